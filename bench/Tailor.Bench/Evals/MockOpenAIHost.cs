using System.Globalization;
using Tailor.Testing;

namespace Tailor.Bench.Evals;

/// <summary>
/// <c>Tailor.Bench mock-openai [latency-ms]</c>: hosts the tests' OpenAI-compatible fake on loopback so side-by-side
/// runs (Tailor vs promptfoo) hit the same endpoint. Prints the API root on the first line, serves until
/// standard input closes or the process is killed. Every answer is <c>echo: &lt;last user message&gt;</c>.
/// </summary>
internal static class MockOpenAIHost
{
    public static async Task<int> RunAsync(string[] args)
    {
        int latencyMs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 0;
        await using var server = await FakeOpenAIServer.StartAsync();
        server.Latency = TimeSpan.FromMilliseconds(latencyMs);
        Console.WriteLine(server.BaseUrl);
        Console.Out.Flush();
        // Serve until told to stop (stdin closed) — a script starts this in the background with a pipe.
        await Task.Run(() => Console.In.ReadToEnd());
        Console.Error.WriteLine($"mock-openai served {server.Requests.Count} requests, at most {server.MaxInFlight} at once");
        return 0;
    }
}
