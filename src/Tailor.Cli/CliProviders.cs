using Tailor.Providers;

namespace Tailor.Cli;

/// <summary>The providers the <c>tailor</c> command knows: the remote ones and the local engine.</summary>
internal static class CliProviders
{
    public static ProviderRegistry CreateRegistry()
    {
        var registry = ProviderRegistry.CreateDefault();
        return registry;
    }
}
