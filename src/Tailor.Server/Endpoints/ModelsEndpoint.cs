using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Tailor.Providers.OpenAI.Wire;
using Tailor.Server.Http;

namespace Tailor.Server.Endpoints;

/// <summary><c>GET /v1/models</c>: the gateway's routes, in OpenAI's model-list shape. Model aliases behind them are not shown.</summary>
internal static class ModelsEndpoint
{
    public static async Task HandleAsync(HttpContext http, GatewayServices services, long startedAt)
    {
        if ((await KeyGate.CheckAsync(http, services)).Refused)
        {
            return;
        }

        var list = new ModelList { Data = [.. services.Routes.Names.Select(name => new ModelInfo { Id = name, Created = startedAt, OwnedBy = "tailor" })] };
        await JsonResponse.WriteAsync(http, StatusCodes.Status200OK, JsonSerializer.SerializeToUtf8Bytes(list, OpenAIJsonContext.Default.ModelList));
    }
}
