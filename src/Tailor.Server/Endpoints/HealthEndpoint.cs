using Microsoft.AspNetCore.Http;
using Tailor.Server.Http;
using Tailor.Store;

namespace Tailor.Server.Endpoints;

/// <summary>
/// <c>GET /healthz</c>: 200 when the store answers, 503 when it does not (so a load balancer stops sending traffic
/// here instead of the gateway answering 503 to every request). Reports the log's queue; needs no key.
/// </summary>
internal static class HealthEndpoint
{
    public static async Task HandleAsync(HttpContext http, GatewayServices services)
    {
        bool storeOk;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted))
        {
            timeout.CancelAfter(TimeSpan.FromSeconds(2));
            try
            {
                await services.Store.PingAsync(timeout.Token);
                storeOk = true;
            }
            catch (Exception e) when (e is StoreUnavailableException or OperationCanceledException && !http.RequestAborted.IsCancellationRequested)
            {
                storeOk = false;
            }
        }

        await JsonResponse.WriteAsync(http, storeOk ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("status", storeOk ? "ok" : "unavailable");
            writer.WriteString("store", storeOk ? "ok" : "unavailable");
            writer.WriteNumber("log_queue", services.Log.QueueDepth);
            writer.WriteNumber("log_written", services.Log.Written);
            writer.WriteNumber("routes", services.Routes.Names.Count);
            writer.WriteEndObject();
        });
    }
}
