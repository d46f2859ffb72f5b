using Microsoft.Extensions.AI;

namespace Tailor.Evals.Running;

/// <summary>The model under test: its spec alias and the client to call (normally the alias's <c>ChatPipeline</c>, recording with source <c>eval</c>).</summary>
/// <param name="Alias">The spec alias, stored with the run; comparisons and gates find runs by it.</param>
/// <param name="Client">The client; must be thread-safe (the runner calls it concurrently).</param>
public sealed record EvalTarget(string Alias, IChatClient Client)
{
    /// <summary>The provider's model id, for the record.</summary>
    public string? ModelId { get; init; }

    /// <summary>Version of the system prompt the pipeline applies, for the record.</summary>
    public string? PromptVersion { get; init; }
}
