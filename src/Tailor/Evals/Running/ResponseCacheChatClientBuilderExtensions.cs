using Microsoft.Extensions.AI;

namespace Tailor.Evals.Running;

/// <summary>Adds <see cref="ResponseCacheChatClient"/> to a pipeline.</summary>
public static class ResponseCacheChatClientBuilderExtensions
{
    /// <summary>Answers repeated requests from <paramref name="cache"/>; <paramref name="scope"/> names the model behind the pipeline.</summary>
    public static ChatClientBuilder UseResponseCache(this ChatClientBuilder builder, DiskResponseCache cache, string scope, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use(inner => new ResponseCacheChatClient(inner, cache, scope, timeProvider));
    }
}
