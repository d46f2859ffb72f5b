using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Tailor.Gateway.Keys;
using Tailor.Store;
using Tailor.Store.Sqlite;
using Tailor.Testing;

namespace Tailor.Server.Tests;

/// <summary>
/// Runs the real <c>tailor serve</c> as a child process under concurrent load (streamed and JSON requests), kills it
/// (SIGKILL, or SIGTERM for a graceful stop) at a random moment while requests are in flight, restarts it, and so on.
/// Every response a client received in full (a JSON body, or a stream up to <c>[DONE]</c>) is remembered by its
/// interaction id; <see cref="VerifyAsync"/> then checks that each is in the store.
/// </summary>
internal sealed class DurabilityHarness : IAsyncDisposable
{
    private readonly FakeOpenAIServer _upstream;
    private readonly Random _random;
    private readonly ConcurrentDictionary<string, bool> _acknowledged = new(StringComparer.Ordinal);
    private readonly string? _postgres;

    private DurabilityHarness(string directory, FakeOpenAIServer upstream, string key, int seed, string? postgres)
    {
        Directory = directory;
        _upstream = upstream;
        Key = key;
        _random = new Random(seed);
        _postgres = postgres;
    }

    public string Directory { get; }
    public string Key { get; }

    /// <summary>Responses received in full, by interaction id.</summary>
    public IReadOnlyCollection<string> Acknowledged => (IReadOnlyCollection<string>)_acknowledged.Keys;

    public int Cycles { get; private set; }

    /// <summary>A project on disk aimed at an in-process fake upstream; the store is SQLite, or PostgreSQL when <paramref name="postgres"/> is a connection string.</summary>
    public static async Task<DurabilityHarness> CreateAsync(int seed, string? postgres = null)
    {
        var upstream = await FakeOpenAIServer.StartAsync();
        // Answers long enough to be in flight when the kill comes, streamed in several chunks.
        upstream.Responder = request => FakeReply.Text($"answer to {request.LastUserText}: one two three four five six seven eight");
        string dir = System.IO.Directory.CreateTempSubdirectory("tailor-durability-").FullName;
        string store = postgres is null ? "store: {provider: sqlite, path: .tailor/tailor.db}" : "store: {provider: postgres, connection_string_env: TAILOR_DURABILITY_PG}";
        await File.WriteAllTextAsync(Path.Combine(dir, "tailor.yaml"), $"""
            name: durability
            models:
              baseline:
                provider: openai-compatible
                base_url: {upstream.BaseUrl}
                model: fake-model
                options: {"{"}max_retries: 0, timeout: 10s{"}"}
            routes:
              support: baseline
            {store}
            """);

        var (record, key) = ApiKeys.Create("durability", DateTimeOffset.UtcNow);
        await using (IGatewayStore keys = postgres is null
            ? SqliteInteractionStore.Open(Path.Combine(dir, ".tailor", "tailor.db"))
            : await Tailor.Store.Postgres.PostgresGatewayStore.OpenAsync(postgres))
        {
            await keys.AddKeyAsync(record);
        }

        return new DurabilityHarness(dir, upstream, key, seed, postgres);
    }

    /// <summary>One cycle: start the gateway, load it with <paramref name="clients"/> concurrent clients, stop it with <paramref name="signal"/> once some answers are through.</summary>
    public async Task RunCycleAsync(int clients, int signal, CancellationToken cancellationToken)
    {
        using var process = StartGateway(out var address, cancellationToken);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients, MaxResponseDrainSize = 0 }) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        using var stop = new CancellationTokenSource();
        int before = _acknowledged.Count;
        var load = Enumerable.Range(0, clients).Select(c => ClientLoopAsync(http, c, stop.Token)).ToArray();

        // Kill while requests are in flight: after a few answers went through, plus a random slice of time.
        var waited = Stopwatch.StartNew();
        while (_acknowledged.Count < before + 3 && waited.Elapsed < TimeSpan.FromSeconds(20) && !process.HasExited)
        {
            await Task.Delay(5, cancellationToken);
        }

        int extra;
        lock (_random)
        {
            extra = _random.Next(0, 120);
        }

        await Task.Delay(extra, cancellationToken);
        Signal(process, signal);

        await process.WaitForExitAsync(cancellationToken);
        await stop.CancelAsync();
        await Task.WhenAll(load);
        Cycles++;
        if (signal == SigTerm && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"a gracefully stopped gateway exited with {process.ExitCode}");
        }
    }

    /// <summary>The acknowledged ids missing from the store (must be none), and the number of records found.</summary>
    public async Task<(IReadOnlyList<string> Missing, long Stored)> VerifyAsync()
    {
        await using IGatewayStore store = _postgres is null
            ? SqliteInteractionStore.Open(Path.Combine(Directory, ".tailor", "tailor.db"))
            : await Tailor.Store.Postgres.PostgresGatewayStore.OpenAsync(_postgres);
        var missing = new List<string>();
        foreach (var id in _acknowledged.Keys)
        {
            var record = await store.GetAsync(id);
            if (record is null || record.Status != InteractionStatus.Ok || record.Response.Count == 0)
            {
                missing.Add(id);
            }
        }

        return (missing, await store.CountAsync(new InteractionQuery { Limit = int.MaxValue }));
    }

    public async ValueTask DisposeAsync()
    {
        await _upstream.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private Process StartGateway(out Uri address, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Directory };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "Tailor.Cli.dll"), "serve", "--url", "http://127.0.0.1:0", "--quiet" })
        {
            start.ArgumentList.Add(arg);
        }

        if (_postgres is not null)
        {
            start.Environment["TAILOR_DURABILITY_PG"] = _postgres;
        }

        var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        // The first line on standard output is "listening on <address>".
        var line = process.StandardOutput.ReadLineAsync(cancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(60), cancellationToken).GetAwaiter().GetResult();
        if (line is null || !line.StartsWith("listening on ", StringComparison.Ordinal))
        {
            process.Kill();
            throw new InvalidOperationException($"the gateway did not start: '{line}'");
        }

        address = new Uri(line["listening on ".Length..].Trim());
        _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        return process;
    }

    private async Task ClientLoopAsync(HttpClient http, int client, CancellationToken stop)
    {
        for (int n = 0; !stop.IsCancellationRequested; n++)
        {
            bool stream = (client + n) % 2 == 0;
            string body = $$"""{"model":"support","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"c{{client}} n{{n}}"}]}""";
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop);
                if (!response.IsSuccessStatusCode || !response.Headers.TryGetValues("x-tailor-interaction-id", out var ids))
                {
                    continue;
                }

                string text = await response.Content.ReadAsStringAsync(stop);
                bool complete = stream
                    ? text.EndsWith("data: [DONE]\n\n", StringComparison.Ordinal)
                    : JsonDocument.Parse(text).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!.StartsWith("answer to", StringComparison.Ordinal);
                if (complete)
                {
                    _acknowledged[ids.Single()] = true;
                }
            }
            catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException or JsonException)
            {
                // The gateway died under this request: the client did not receive it in full, so nothing is owed.
                if (!stop.IsCancellationRequested)
                {
                    await Task.Delay(2, CancellationToken.None);
                }
            }
        }
    }

    public const int SigKill = 9;
    public const int SigTerm = 15;

    private static void Signal(Process process, int signal)
    {
        if (signal == SigKill)
        {
            process.Kill();
            return;
        }

        using var kill = Process.Start("kill", $"-{signal} {process.Id}");
        kill.WaitForExit();
    }
}
