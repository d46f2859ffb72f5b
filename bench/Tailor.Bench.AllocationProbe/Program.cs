using System.Diagnostics.Tracing;
using System.Globalization;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

// Usage: Tailor.Bench.AllocationProbe PID METRICS_URL [SECONDS] [TOP]
// Listens to the runtime's allocation ticks (one about every 100 KB, with the type that crossed it) of the process
// PID for SECONDS while the caller keeps it under load, and divides the bytes by the requests the gateway's
// Prometheus endpoint counted meanwhile (gen_ai_server_request_duration_seconds_count, summed over its series).
// Prints one JSON line, then the TOP types by share of the bytes.
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: Tailor.Bench.AllocationProbe PID METRICS_URL [SECONDS] [TOP]");
    return 2;
}

int pid = int.Parse(args[0], CultureInfo.InvariantCulture);
string metricsUrl = args[1];
int seconds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 6;
int top = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 15;

using var http = new HttpClient();
async Task<long> RequestsAsync()
{
    string text = await http.GetStringAsync(new Uri(metricsUrl));
    return text.Split('\n')
        .Where(line => line.StartsWith("gen_ai_server_request_duration_seconds_count", StringComparison.Ordinal))
        .Sum(line => long.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
}

var providers = new[] { new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Verbose, (long)ClrTraceEventParser.Keywords.GC) };
using var session = new DiagnosticsClient(pid).StartEventPipeSession(providers, requestRundown: false);
var bytesByType = new Dictionary<string, long>(StringComparer.Ordinal);
long bytes = 0;
using var source = new EventPipeEventSource(session.EventStream);
source.Clr.GCAllocationTick += tick =>
{
    bytes += tick.AllocationAmount64;
    bytesByType[tick.TypeName] = bytesByType.GetValueOrDefault(tick.TypeName) + tick.AllocationAmount64;
};
var processing = Task.Run(source.Process);

long before = await RequestsAsync();
await Task.Delay(TimeSpan.FromSeconds(seconds));
long requests = await RequestsAsync() - before;
await session.StopAsync(CancellationToken.None);
await processing;

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $$"""{"seconds":{{seconds}},"requests":{{requests}},"allocated_bytes":{{bytes}},"bytes_per_request":{{(requests > 0 ? bytes / requests : 0)}}}"""));
foreach (var (type, amount) in bytesByType.OrderByDescending(t => t.Value).Take(top))
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{amount * 100.0 / bytes,6:F2}%  {type}"));
}
return 0;
