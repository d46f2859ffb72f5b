using System.Text;
using Tailor.Data;
using Tailor.Data.Formats;
using Tailor.Data.Validation;

namespace Tailor.Tests.Data;

/// <summary>Reading and writing each format: nothing the user wrote is lost, conversions produce valid files.</summary>
public sealed class FormatRoundTripTests
{
    private static Conversation Parse(string line)
    {
        var parsed = ConversationLineParser.Parse(Encoding.UTF8.GetBytes(line));
        Assert.Empty(parsed.Issues);
        return parsed.Conversation!;
    }

    [Fact]
    public void An_openai_example_round_trips_with_tools_weights_tags_and_unknown_keys()
    {
        string line = """{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Weather in Paris?"},{"role":"assistant","tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},{"role":"tool","tool_call_id":"call_1","content":"18C"},{"role":"assistant","content":"18 degrees.","weight":1}],"tools":[{"type":"function","function":{"name":"get_weather","description":"Weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],"parallel_tool_calls":false,"tags":["troubleshoot"],"metadata":{"rating":5}}""";

        var conversation = Parse(line);
        string written = Encoding.UTF8.GetString(ConversationWriter.ToJsonLine(conversation, DatasetFormat.OpenAI));

        Assert.Equal(line, written);
        Assert.Equal(["troubleshoot"], conversation.Tags);
        Assert.Equal(5, conversation.Messages.Count);
        Assert.Equal("call_1", conversation.Messages[3].ToolCallId);
    }

    [Fact]
    public void Converting_to_mistral_rewrites_call_ids_consistently_and_validates()
    {
        string line = """{"messages":[{"role":"user","content":"Weather?"},{"role":"assistant","tool_calls":[{"id":"call_abc","type":"function","function":{"name":"get_weather","arguments":"{}"}},{"id":"call_def","type":"function","function":{"name":"get_weather","arguments":"{}"}}]},{"role":"tool","tool_call_id":"call_def","content":"x"},{"role":"tool","tool_call_id":"call_abc","content":"y"},{"role":"assistant","content":"Done."}],"tools":[{"type":"function","function":{"name":"get_weather","description":"Weather","parameters":{"type":"object"}}}]}""";
        var validator = new DatasetValidator(new ValidationOptions { Format = DatasetFormat.Mistral });
        Assert.Contains(ValidationRuleTests.ValidateOne(validator, Encoding.UTF8.GetBytes(line)).Issues, i => i.Code == DataRules.ToolCallIdFormat);

        byte[] mistral = ConversationWriter.ToJsonLine(Parse(line), DatasetFormat.Mistral);
        var converted = Parse(Encoding.UTF8.GetString(mistral));

        var calls = converted.Messages[1].ToolCalls;
        Assert.All(calls, c => Assert.True(ConversationRules.IsMistralCallId(c.Id!)));
        Assert.NotEqual(calls[0].Id, calls[1].Id);
        Assert.Equal(calls[1].Id, converted.Messages[2].ToolCallId);
        Assert.Equal(calls[0].Id, converted.Messages[3].ToolCallId);
        Assert.True(ValidationRuleTests.ValidateOne(validator, mistral).IsValid);
        Assert.Equal(mistral, ConversationWriter.ToJsonLine(Parse(line), DatasetFormat.Mistral)); // deterministic
    }

    [Fact]
    public void The_legacy_functions_format_converts_with_linked_call_ids()
    {
        var conversation = Parse("""{"messages":[{"role":"user","content":"Weather?"},{"role":"assistant","content":null,"function_call":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},{"role":"function","name":"get_weather","content":"18C"},{"role":"assistant","content":"18 degrees."}],"functions":[{"name":"get_weather","description":"Weather","parameters":{"type":"object"}}]}""");

        byte[] mistral = ConversationWriter.ToJsonLine(conversation, DatasetFormat.Mistral);

        Assert.Equal(
            """{"messages":[{"role":"user","content":"Weather?"},{"role":"assistant","tool_calls":[{"id":"call00000","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},{"role":"tool","tool_call_id":"call00000","content":"18C","name":"get_weather"},{"role":"assistant","content":"18 degrees."}],"tools":[{"type":"function","function":{"name":"get_weather","description":"Weather","parameters":{"type":"object"}}}]}""",
            Encoding.UTF8.GetString(mistral));
        Assert.True(ValidationRuleTests.ValidateOne(new DatasetValidator(new ValidationOptions { Format = DatasetFormat.Mistral }), mistral).IsValid);
    }

    [Fact]
    public void ShareGpt_converts_to_a_valid_openai_example()
    {
        var conversation = Parse("""{"conversations":[{"from":"system","value":"Be kind."},{"from":"human","value":"Hi"},{"from":"gpt","value":"Hello!"}],"id":"x1"}""");

        string written = Encoding.UTF8.GetString(ConversationWriter.ToJsonLine(conversation, DatasetFormat.OpenAI));

        Assert.Equal("""{"messages":[{"role":"system","content":"Be kind."},{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}],"id":"x1"}""", written);
        Assert.True(ValidationRuleTests.ValidateOne(new DatasetValidator(new ValidationOptions { Format = DatasetFormat.OpenAI }), Encoding.UTF8.GetBytes(written)).IsValid);
    }

    [Fact]
    public void A_mistral_system_prompt_becomes_a_first_system_message_for_openai()
    {
        var conversation = Parse("""{"interactions":[{"role":"user","text":"Hi"},{"role":"assistant","text":"Hello!"}],"system_prompt":"Be brief."}""");

        Assert.Equal(
            """{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}""",
            Encoding.UTF8.GetString(ConversationWriter.ToJsonLine(conversation, DatasetFormat.OpenAI)));
        Assert.Equal(
            """{"system_prompt":"Be brief.","messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}""",
            Encoding.UTF8.GetString(ConversationWriter.ToJsonLine(conversation, DatasetFormat.Mistral)));
    }

    [Fact]
    public void Pretraining_text_round_trips_and_non_ascii_is_written_as_is()
    {
        string line = """{"text":"Ünïcödé 漢字 \"quoted\""}""";
        Assert.Equal(line, Encoding.UTF8.GetString(ConversationWriter.ToJsonLine(Parse(line), DatasetFormat.Text)));

        // Characters outside the BMP come back escaped (\uD83C\uDF89): the same JSON string.
        var emoji = Parse("""{"text":"🎉"}""");
        Assert.Equal("🎉", Parse(Encoding.UTF8.GetString(ConversationWriter.ToJsonLine(emoji, DatasetFormat.Text))).Text);
    }
}
