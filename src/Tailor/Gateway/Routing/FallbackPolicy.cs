using Tailor.Providers;

namespace Tailor.Gateway.Routing;

/// <summary>Which failures of a model send the request on to the route's next model.</summary>
public static class FallbackPolicy
{
    /// <summary>
    /// True for what another model may not suffer from: 429 (rate limit), 5xx (the vendor's fault), and no answer
    /// at all (timeouts, refused or broken connections). A 4xx other than 429 says the request itself is wrong,
    /// and another model would refuse it too.
    /// </summary>
    public static bool ShouldFallBack(Exception exception) => exception switch
    {
        ModelProviderException { StatusCode: null } => true,
        ModelProviderException { StatusCode: 408 or 429 or >= 500 } => true,
        HttpRequestException or TimeoutException or IOException => true,
        _ => false,
    };
}
