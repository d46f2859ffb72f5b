using Microsoft.AspNetCore.Http;
using Tailor.Gateway.Keys;
using Tailor.Store;

namespace Tailor.Server.Http;

/// <summary>
/// The key check every API endpoint starts with. A refused key gets OpenAI's 401 without the key in it; a store that
/// cannot answer gets 503, never 401, for a key that may well be valid.
/// </summary>
internal static class KeyGate
{
    /// <summary>The caller's key (null when keys are not required); <c>Refused</c> when a response has already been written.</summary>
    public static async Task<(ApiKeyRecord? Key, bool Refused)> CheckAsync(HttpContext context, GatewayServices services)
    {
        if (!services.Options.RequireKeys)
        {
            return (null, false);
        }

        KeyCheck check;
        try
        {
            check = await services.Keys.CheckAsync(context.Request.Headers.Authorization.ToString(), context.RequestAborted);
        }
        catch (StoreUnavailableException)
        {
            services.Telemetry.RecordRefused("store_unavailable");
            await OpenAIErrors.StoreUnavailable(context, "key store");
            return (null, true);
        }

        if (check.Status == KeyCheckStatus.Valid)
        {
            return (check.Key, false);
        }

        services.Telemetry.RecordRefused("key_" + check.Status.ToString().ToLowerInvariant());
        string message = check.Status switch
        {
            KeyCheckStatus.Missing => "You didn't provide an API key. Send it in an Authorization header using Bearer auth (Authorization: Bearer tlr_...). The gateway's operator creates keys with `tailor keys create`.",
            KeyCheckStatus.Revoked => $"The API key {check.KeyId} has been revoked. Ask the gateway's operator for a new one.",
            KeyCheckStatus.Expired => $"The API key {check.KeyId} has expired. Ask the gateway's operator for a new one.",
            _ => "Incorrect API key provided. The gateway's operator creates keys with `tailor keys create`.",
        };
        string code = check.Status switch
        {
            KeyCheckStatus.Revoked => "key_revoked",
            KeyCheckStatus.Expired => "key_expired",
            _ => "invalid_api_key",
        };
        await OpenAIErrors.WriteAsync(context, StatusCodes.Status401Unauthorized, message, "invalid_request_error", code: code);
        return (null, true);
    }
}
