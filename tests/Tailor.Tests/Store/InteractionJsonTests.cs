using Microsoft.Extensions.AI;
using Tailor.Store;

namespace Tailor.Tests.Store;

/// <summary>The options a request set, as the log keeps them.</summary>
public sealed class InteractionJsonTests
{
    [Fact]
    public void Options_are_written_in_a_fixed_order_with_only_what_was_set()
    {
        var options = new ChatOptions
        {
            ModelId = "support",
            Temperature = 0.25f,
            TopP = 0.5f,
            TopK = 40,
            MaxOutputTokens = 128,
            Seed = 7,
            FrequencyPenalty = 0.5f,
            PresencePenalty = -0.5f,
            StopSequences = ["END", "<é>"],
            ResponseFormat = ChatResponseFormat.ForJsonSchema(System.Text.Json.JsonDocument.Parse("""{"type":"object"}""").RootElement),
            Tools = [AIFunctionFactory.Create(() => 1, "lookup")],
        };

        Assert.Equal(
            """{"model":"support","temperature":0.25,"top_p":0.5,"top_k":40,"max_tokens":128,"seed":7,"frequency_penalty":0.5,"presence_penalty":-0.5,"stop":["END","\u003C\u00E9\u003E"],"response_format":"json_schema","tools":["lookup"]}""",
            InteractionJson.SerializeOptions(options));
        Assert.Equal("""{"temperature":0.2,"response_format":"json"}""", InteractionJson.SerializeOptions(new ChatOptions { Temperature = 0.2f, ResponseFormat = ChatResponseFormat.Json }));
        Assert.Null(InteractionJson.SerializeOptions(new ChatOptions()));
        Assert.Null(InteractionJson.SerializeOptions(null));
    }
}
