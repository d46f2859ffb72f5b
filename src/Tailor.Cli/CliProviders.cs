using Tailor.Local.Inference;
using Tailor.Providers;

namespace Tailor.Cli;

/// <summary>The providers the <c>tailor</c> command knows: the remote ones and the local engine.</summary>
internal static class CliProviders
{
    public static ProviderRegistry CreateRegistry()
    {
        var registry = ProviderRegistry.CreateDefault();
        // The local engine loads its natives lazily, on the first local model a command uses.
        registry.Register(new LocalModelProvider());
        return registry;
    }
}
