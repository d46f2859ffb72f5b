using System.Text.Json;
using Microsoft.Extensions.AI;
using Tailor.Store;
using Tailor.Store.Sqlite;

namespace Tailor.Cli.Tests;

/// <summary><c>tailor keys</c> and <c>tailor logs</c> in-process, on a real SQLite store in a temporary project.</summary>
public sealed class GatewayCommandTests : IDisposable
{
    private readonly CliRunner _cli = new();

    public GatewayCommandTests() => File.WriteAllText(_cli.PathOf("tailor.yaml"), "name: gateway-cli\n");

    public void Dispose() => _cli.Dispose();

    private string DbPath => _cli.PathOf(".tailor", "tailor.db");

    [Fact]
    public async Task A_key_is_printed_once_listed_without_its_secret_and_revoked_once()
    {
        var created = await _cli.RunAsync("keys", "create", "--name", "alice", "--rpm", "60", "--quota", "100000");
        Assert.True(created.ExitCode == 0, created.ToString());
        string key = created.Out.Trim();
        Assert.Matches("^tlr_[a-z2-9]{12}_[A-Za-z0-9_-]{43}$", key);
        Assert.Contains("only time the key is shown", created.Error, StringComparison.Ordinal);
        string id = key.Substring(4, 12);

        var list = await _cli.RunAsync("keys", "list");
        var json = await _cli.RunAsync("keys", "list", "--json");
        Assert.Contains(id, list.Out, StringComparison.Ordinal);
        Assert.Contains("alice", list.Out, StringComparison.Ordinal);
        Assert.Contains("active", list.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(key[^43..], list.Out + json.Out, StringComparison.Ordinal);
        var listed = Assert.Single(JsonDocument.Parse(json.Out).RootElement.EnumerateArray());
        Assert.Equal((60, 100000L), (listed.GetProperty("requests_per_minute").GetInt32(), listed.GetProperty("token_quota").GetInt64()));

        var revoked = await _cli.RunAsync("keys", "revoke", key);
        var again = await _cli.RunAsync("keys", "revoke", id);
        var unknown = await _cli.RunAsync("keys", "revoke", "nosuchkeyid1");
        Assert.Contains("revoked", revoked.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(key[^43..], revoked.Out + revoked.Error, StringComparison.Ordinal);
        Assert.Contains("already revoked", again.Out, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.BadInput, unknown.ExitCode);
        Assert.Contains("revoked", (await _cli.RunAsync("keys", "list")).Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_refuses_a_collector_address_that_is_not_an_http_url()
    {
        var result = await _cli.RunAsync("serve", "--url", "http://127.0.0.1:0", "--otlp-endpoint", "collector:4318");

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains("--otlp-endpoint: 'collector:4318' is not an http(s) URL", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("notaurl", "not a URL to listen on")]
    [InlineData("ftp://127.0.0.1:8080", "the scheme must be http or https")]
    [InlineData("http://127.0.0.1:99999", "port 99999 is out of range")]
    public async Task Serve_refuses_an_address_it_cannot_listen_on_with_a_hint_and_no_stack_trace(string url, string reason)
    {
        var result = await _cli.RunAsync("serve", "--url", url, "--quiet");

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains($"--url: cannot listen on '{url}': {reason}", result.Error, StringComparison.Ordinal);
        Assert.Contains("--url http://127.0.0.1:8080", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    // serve's cases carry an address it cannot listen on, so without the check they fail at once instead of serving.
    [Theory]
    [InlineData("serve --max-body-bytes -5 --url notaurl", "--max-body-bytes must be greater than 0, got -5")]
    [InlineData("serve --max-body-bytes 0 --url notaurl", "--max-body-bytes must be greater than 0, got 0")]
    [InlineData("logs tail -n -3", "-n must be greater than 0, got -3")]
    [InlineData("logs tail -n 0", "-n must be greater than 0, got 0")]
    [InlineData("keys create --name x --expires-in 0d", "--expires-in must be longer than 0, got '0d'")]
    public async Task A_count_size_or_lifetime_that_is_not_positive_is_refused(string command, string message)
    {
        var result = await _cli.RunAsync(command.Split(' '));

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_on_a_port_in_use_says_so()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        string url = $"http://127.0.0.1:{((System.Net.IPEndPoint)taken.LocalEndpoint).Port}";

        var result = await _cli.RunAsync("serve", "--url", url, "--quiet");

        Assert.Equal(ExitCodes.BadInput, result.ExitCode);
        Assert.Contains($"--url: cannot listen on '{url}': the address is already in use", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_key_options_are_refused_with_a_hint()
    {
        var zero = await _cli.RunAsync("keys", "create", "--name", "x", "--rpm", "0");
        var lifetime = await _cli.RunAsync("keys", "create", "--name", "x", "--expires-in", "soon");

        Assert.Equal(ExitCodes.BadInput, zero.ExitCode);
        Assert.Contains("--rpm must be greater than 0", zero.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.BadInput, lifetime.ExitCode);
        Assert.Contains("30d", lifetime.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logs_tail_show_and_prune_read_and_trim_the_interaction_log()
    {
        var now = DateTimeOffset.UtcNow;
        await using (var store = SqliteInteractionStore.Open(DbPath))
        {
            await store.RecordBatchAsync(
            [
                Interaction("01A0000000000000000000000A", now.AddDays(-40), "ancient question"),
                Interaction("01B0000000000000000000000B", now.AddMinutes(-2), "where is [my] invoice?"),
                Interaction("01C0000000000000000000000C", now.AddMinutes(-1), "and the refund?") with { Status = InteractionStatus.Error, Error = "upstream 502" },
            ]);
            await store.AddFeedbackAsync(new Feedback { Id = "F1", InteractionId = "01B0000000000000000000000B", CreatedAt = now, Thumbs = -1, Correction = "Billing > Invoices" });
        }

        var tail = await _cli.RunAsync("logs", "tail", "-n", "2");
        var tailJson = await _cli.RunAsync("logs", "tail", "--json", "--status", "Error");
        var show = await _cli.RunAsync("logs", "show", "chatcmpl-01B0000000000000000000000B");
        var missing = await _cli.RunAsync("logs", "show", "01NOPE");
        var dryRun = await _cli.RunAsync("logs", "prune", "--older-than", "30d", "--dry-run");
        var prune = await _cli.RunAsync("logs", "prune", "--older-than", "30d");

        Assert.True(tail.ExitCode == 0, tail.ToString());
        Assert.DoesNotContain("01A0000", tail.Out, StringComparison.Ordinal);
        Assert.True(tail.Out.IndexOf("01B0000000000000000000000B", StringComparison.Ordinal) < tail.Out.IndexOf("01C0000000000000000000000C", StringComparison.Ordinal));
        Assert.Contains("where is [my] invoice?", tail.Out, StringComparison.Ordinal);
        var errorLine = JsonDocument.Parse(Assert.Single(tailJson.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries))).RootElement;
        Assert.Equal(("01C0000000000000000000000C", "upstream 502"), (errorLine.GetProperty("id").GetString(), errorLine.GetProperty("error").GetString()));
        Assert.Contains("where is [my] invoice?", show.Out, StringComparison.Ordinal);
        Assert.Contains("Billing > Invoices", show.Out, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.BadInput, missing.ExitCode);
        Assert.Contains("would delete 1 interaction", dryRun.Out, StringComparison.Ordinal);
        Assert.Contains("deleted 1 interaction", prune.Out, StringComparison.Ordinal);
        await using var reopened = SqliteInteractionStore.Open(DbPath);
        Assert.Equal(2, await reopened.CountAsync());
    }

    [Fact]
    public async Task Logs_tail_since_keeps_to_a_recent_window_and_refuses_a_bad_duration()
    {
        var now = DateTimeOffset.UtcNow;
        await using (var store = SqliteInteractionStore.Open(DbPath))
        {
            await store.RecordBatchAsync(
            [
                Interaction("01A0000000000000000000000A", now.AddHours(-3), "an old question") with { KeyId = "k1" },
                Interaction("01B0000000000000000000000B", now.AddMinutes(-2), "a recent question") with { KeyId = "k1" },
                Interaction("01C0000000000000000000000C", now.AddMinutes(-1), "another key's question") with { KeyId = "k2" },
            ]);
        }

        var recent = await _cli.RunAsync("logs", "tail", "--since", "1h", "--key", "k1");
        var bad = await _cli.RunAsync("logs", "tail", "--since", "lately");

        Assert.True(recent.ExitCode == 0, recent.ToString());
        Assert.Contains("01B0000000000000000000000B", recent.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("01A0000000000000000000000A", recent.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("01C0000000000000000000000C", recent.Out, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.BadInput, bad.ExitCode);
        Assert.Contains("--since: 'lately' is not a duration", bad.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logs_tail_follow_prints_a_long_request_that_ends_after_newer_ones_were_printed()
    {
        var now = DateTimeOffset.UtcNow;
        await using var store = SqliteInteractionStore.Open(DbPath);
        await store.RecordAsync(Interaction("01B0000000000000000000000B", now.AddSeconds(-5), "a quick question"));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var (exit, output) = _cli.Start(stop.Token, "logs", "tail", "-f");

        await WaitForAsync(() => output.Output.Contains("01B0000000000000000000000B", StringComparison.Ordinal));
        await Task.Delay(TimeSpan.FromSeconds(2.5), TestContext.Current.CancellationToken); // past the follow's first look
        // A stream that began before the quick request and ends now: its id, taken when it began, sorts before the
        // one already printed.
        await store.RecordAsync(Interaction("01A0000000000000000000000A", now.AddSeconds(-60), "a long streamed question"));
        await store.RecordAsync(Interaction("01C0000000000000000000000C", now, "a new question"));
        await WaitForAsync(() => output.Output.Contains("01A0000000000000000000000A", StringComparison.Ordinal) && output.Output.Contains("01C0000000000000000000000C", StringComparison.Ordinal));
        await stop.CancelAsync();

        Assert.Equal(ExitCodes.Ok, await exit);
        string printed = output.Output;
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(printed, "01B0000000000000000000000B"));
        Assert.True(printed.IndexOf("01A0000000000000000000000A", StringComparison.Ordinal) < printed.IndexOf("01C0000000000000000000000C", StringComparison.Ordinal), printed);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (int i = 0; i < 300 && !condition(); i++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
        Assert.True(condition(), "the followed log never showed what was written");
    }

    private static Interaction Interaction(string id, DateTimeOffset at, string question) => new()
    {
        Id = id,
        StartedAt = at,
        Source = "gateway",
        Route = "support",
        ModelId = "big-model",
        Request = [new ChatMessage(ChatRole.User, question)],
        Response = [new ChatMessage(ChatRole.Assistant, "an answer")],
        InputTokens = 5,
        OutputTokens = 2,
        LatencyMs = 12.5,
    };
}
