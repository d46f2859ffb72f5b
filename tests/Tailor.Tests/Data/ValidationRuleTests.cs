using System.Text;
using Tailor.Data;
using Tailor.Data.Formats;
using Tailor.Data.Validation;

namespace Tailor.Tests.Data;

/// <summary>Every validation rule, each with a line that breaks it and the same line fixed.</summary>
public sealed class ValidationRuleTests
{
    private const string U = """{"role":"user","content":"Hi"}""";
    private const string A = """{"role":"assistant","content":"Hello!"}""";
    private const string Tool = """{"type":"function","function":{"name":"get_weather","description":"Weather","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}""";

    private static string Call(string id = "abcDEF123", string name = "get_weather", string args = "{\\\"city\\\": \\\"Paris\\\"}") =>
        $$$"""{"role":"assistant","tool_calls":[{"id":"{{{id}}}","type":"function","function":{"name":"{{{name}}}","arguments":"{{{args}}}"}}]}""";

    private static string Answer(string id = "abcDEF123") => $$"""{"role":"tool","tool_call_id":"{{id}}","content":"18C"}""";

    private static string Chat(params string[] messages) => $$"""{"messages":[{{string.Join(",", messages)}}]}""";

    private static string ToolChat(params string[] messages) => $$$"""{"messages":[{{{string.Join(",", messages)}}}],"tools":[{{{Tool}}}]}""";

    /// <summary>(rule, format, failing line, passing line).</summary>
    public static TheoryData<string, string, string, string> Cases => new()
    {
        { DataRules.InvalidUtf8, "", "{\"messages\":[{\"role\":\"user\",\"content\":\"caf\\xE9\"}]}", Chat(U, A) },
        { DataRules.BlankLine, "", "   ", Chat(U, A) },
        { DataRules.JsonSyntax, "", Chat(U, A) + ",", Chat(U, A) },
        { DataRules.JsonSyntax, "", """{"messages":[{"role":"user","content":"Hi",}]}""", Chat(U, A) },
        { DataRules.JsonSyntax, "", """{"messages": NaN}""", Chat(U, A) },
        { DataRules.NotAnObject, "", "[" + Chat(U, A) + "]", Chat(U, A) },
        { DataRules.DuplicateKey, "", """{"messages":[{"role":"user","role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}""", Chat(U, A) },
        { DataRules.DuplicateKey, "", """{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}],"metadata":{"source":{"id":1,"id":2}}}""", """{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}],"metadata":{"source":{"id":1}}}""" },
        { DataRules.DuplicateKey, "", ToolChat(U, A).Replace("\"description\":\"Weather\"", "\"description\":\"Weather\",\"description\":\"Again\"", StringComparison.Ordinal), ToolChat(U, A) },
        { DataRules.AliasConflict, "", """{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}],"interactions":[]}""", Chat(U, A) },
        { DataRules.UnknownKey, "", """{"messages":[{"role":"user","content":"Hi","mood":"happy"},{"role":"assistant","content":"Hello!"}]}""", Chat(U, A) },
        { DataRules.WrongType, "", """{"messages":{"role":"user"}}""", Chat(U, A) },
        { DataRules.MissingMessages, "", """{"prompt":"Hi","completion":"Hello"}""", Chat(U, A) },
        { DataRules.EmptyMessages, "", """{"messages":[]}""", Chat(U, A) },
        { DataRules.EmptyText, "", """{"text":"  "}""", """{"text":"Some text."}""" },
        { DataRules.FirstRole, "", Chat(A, U, A), Chat(U, A) },
        { DataRules.LastRole, "", Chat(U, A, U), Chat(U, A) },
        { DataRules.RoleOrder, "", Chat(U, """{"role":"tool","tool_call_id":"abcDEF123","content":"x"}""", A), Chat(U, A) },
        { DataRules.MultipleSystem, "", Chat("""{"role":"system","content":"Be kind."}""", U, """{"role":"system","content":"Be brief."}""", A), Chat("""{"role":"system","content":"Be kind."}""", U, A) },
        { DataRules.NothingToTrain, "", Chat(U, """{"role":"assistant","content":"Hello!","weight":0}"""), Chat(U, """{"role":"assistant","content":"Hello!","weight":1}""") },
        { DataRules.MissingRole, "", Chat("""{"content":"Hi"}""", A), Chat(U, A) },
        { DataRules.UnknownRole, "", Chat("""{"role":"human","content":"Hi"}""", A), Chat(U, A) },
        { DataRules.UnknownRole, "", Chat("""{"role":3,"content":"Hi"}""", A), Chat(U, A) },
        { DataRules.MissingContent, "", Chat("""{"role":"user"}""", A), Chat(U, A) },
        { DataRules.EmptyContent, "", Chat("""{"role":"user","content":" \n "}""", A), Chat(U, A) },
        { DataRules.ContentParts, "", Chat("""{"role":"user","content":[{"type":"image_url","image_url":{"url":"x"}}]}""", A), Chat("""{"role":"user","content":[{"type":"text","text":"Hi"}]}""", A) },
        { DataRules.ContentAndToolCalls, "mistral", ToolChat(U, """{"role":"assistant","content":"Let me check.","tool_calls":[{"id":"abcDEF123","type":"function","function":{"name":"get_weather","arguments":"{}"}}]}""", Answer(), A), ToolChat(U, Call(), Answer(), A) },
        { DataRules.WeightValue, "", Chat(U, """{"role":"assistant","content":"Hello!","weight":0.5}"""), Chat(U, A) },
        { DataRules.WeightNotAssistant, "", Chat("""{"role":"user","content":"Hi","weight":1}""", A), Chat(U, A) },
        { DataRules.ToolCallsNotAssistant, "", ToolChat("""{"role":"user","content":"Hi","tool_calls":[{"id":"abcDEF123","type":"function","function":{"name":"get_weather","arguments":"{}"}}]}""", A), ToolChat(U, A) },
        { DataRules.ToolCallId, "", ToolChat(U, """{"role":"assistant","tool_calls":[{"type":"function","function":{"name":"get_weather","arguments":"{}"}}]}""", A), ToolChat(U, Call(), Answer(), A) },
        { DataRules.ToolCallIdFormat, "mistral", ToolChat(U, Call("call_1"), Answer("call_1"), A), ToolChat(U, Call(), Answer(), A) },
        { DataRules.DuplicateToolCallId, "", ToolChat(U, Call(), Answer(), Call(), Answer(), A), ToolChat(U, Call(), Answer(), Call("zzzZZZ999"), Answer("zzzZZZ999"), A) },
        { DataRules.FunctionName, "", ToolChat(U, Call(name: "get weather!"), Answer(), A), ToolChat(U, Call(), Answer(), A) },
        { DataRules.ToolCallArguments, "", ToolChat(U, Call(args: "not json"), Answer(), A), ToolChat(U, Call(), Answer(), A) },
        { DataRules.ToolCallArguments, "", ToolChat(U, """{"role":"assistant","tool_calls":[{"id":"abcDEF123","type":"function","function":{"name":"get_weather","arguments":{"city":"Paris"}}}]}""", Answer(), A), ToolChat(U, Call(), Answer(), A) },
        { DataRules.ToolCallType, "", ToolChat(U, """{"role":"assistant","tool_calls":[{"id":"abcDEF123","type":"retrieval","function":{"name":"get_weather","arguments":"{}"}}]}""", Answer(), A), ToolChat(U, Call(), Answer(), A) },
        { DataRules.ToolMessageId, "", ToolChat(U, Call(), """{"role":"tool","content":"18C"}""", A), ToolChat(U, Call(), Answer(), A) },
        { DataRules.ToolResponseUnknownId, "", ToolChat(U, Call(), Answer("zzzZZZ999"), A), ToolChat(U, Call(), Answer(), A) },
        { DataRules.TooManyToolResponses, "", ToolChat(U, Call(), Answer(), Answer(), A), ToolChat(U, Call(), Answer(), A) },
        { DataRules.UnansweredToolCall, "", ToolChat(U, Call(), A), ToolChat(U, Call(), Answer(), A) },
        { DataRules.ToolDefinition, "", Chat(U, A)[..^1] + ""","tools":[{"type":"function","function":{"description":"no name"}}]}""", ToolChat(U, A) },
        { DataRules.ToolSchema, "", Chat(U, A)[..^1] + ""","tools":[{"type":"function","function":{"name":"f","description":"d","parameters":{"type":"obj"}}}]}""", ToolChat(U, A) },
        { DataRules.DuplicateTool, "", Chat(U, A)[..^1] + $$$""","tools":[{{{Tool}}},{{{Tool}}}]}""", ToolChat(U, A) },
        { DataRules.UnknownFunction, "", ToolChat(U, Call(name: "get_time"), Answer(), A), ToolChat(U, Call(), Answer(), A) },
        { DataRules.LegacyFunctions, "", """{"messages":[{"role":"user","content":"Weather?"},{"role":"assistant","content":null,"function_call":{"name":"get_weather","arguments":"{}"}},{"role":"function","name":"get_weather","content":"18C"},{"role":"assistant","content":"18 degrees."}],"functions":[{"name":"get_weather","description":"Weather","parameters":{"type":"object"}}]}""", ToolChat(U, Call(), Answer(), A) },
        { DataRules.FormatMismatch, "mistral", """{"messages":[{"role":"user","content":"Weather?"},{"role":"assistant","content":null,"function_call":{"name":"get_weather","arguments":"{}"}},{"role":"function","name":"get_weather","content":"18C"},{"role":"assistant","content":"18 degrees."}],"functions":[{"name":"get_weather","description":"Weather","parameters":{"type":"object"}}]}""", ToolChat(U, Call(), Answer(), A) },
        { DataRules.FormatMismatch, "openai", """{"interactions":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}""", Chat(U, A) },
        { DataRules.FormatMismatch, "mistral", """{"conversations":[{"from":"human","value":"Hi"},{"from":"gpt","value":"Hello!"}]}""", Chat(U, A) },
        { DataRules.FormatMismatch, "text", Chat(U, A), """{"text":"Some text."}""" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_line_breaking_a_rule_is_reported_and_the_fixed_line_is_not(string rule, string format, string failing, string passing)
    {
        var validator = new DatasetValidator(new ValidationOptions { Format = ParseFormat(format) });

        var bad = ValidateOne(validator, Encode(failing));
        var good = ValidateOne(validator, Encode(passing));

        var hit = Assert.Single(bad.Issues, i => i.Code == rule);
        Assert.False(string.IsNullOrWhiteSpace(hit.Hint));
        Assert.False(string.IsNullOrWhiteSpace(hit.Message));
        Assert.Equal(DataRules.Get(rule).Severity == IssueSeverity.Error, !bad.IsValid);
        Assert.True(good.IsValid, string.Join("; ", good.Issues));
        Assert.DoesNotContain(good.Issues, i => i.Code == rule);
        Assert.DoesNotContain(good.Issues, i => i.Severity == IssueSeverity.Error);
    }

    [Fact]
    public void Every_rule_has_a_test_case()
    {
        var tested = Cases.Select(row => (string)row.Data.Item1).ToHashSet();
        tested.Add(DataRules.LineTooLong);   // LineTooLongTests
        tested.Add(DataRules.TooManyTokens); // TokenReportTests
        tested.Add(DataRules.TooFewExamples); // ValidatorFileTests
        tested.Add(DataRules.NoExamples); // ValidatorFileTests
        var missing = DataRules.All.Select(r => r.Code).Where(c => !tested.Contains(c)).ToList();
        Assert.Empty(missing);
    }

    [Fact]
    public void A_syntax_error_names_its_column()
    {
        var verdict = ValidateOne(new DatasetValidator(), Encode("""{"messages": [1, 2,, 3]}"""));

        var issue = Assert.Single(verdict.Issues);
        Assert.Equal(DataRules.JsonSyntax, issue.Code);
        Assert.Equal(20, issue.Column);
    }

    [Fact]
    public void An_invalid_byte_is_located_in_characters_not_bytes()
    {
        // "é" is two bytes; the bad byte is the 27th character.
        byte[] line = [.. Encoding.UTF8.GetBytes("{\"text\": \"é and then "), 0xFF, .. "\"}"u8];

        var issue = Assert.Single(ValidateOne(new DatasetValidator(), line).Issues);

        Assert.Equal(DataRules.InvalidUtf8, issue.Code);
        Assert.Equal(22, issue.Column);
    }

    [Fact]
    public void Mistral_aliases_are_read_as_their_canonical_keys()
    {
        var parsed = ConversationLineParser.Parse(Encoding.UTF8.GetBytes(
            """{"interactions":[{"role":"user","text":"Hi"},{"role":"assistant","text":"Hello!"}],"system_prompt":"Be brief.","available_tools":[]}"""));

        Assert.Empty(parsed.Issues);
        Assert.Equal(DatasetFormat.Mistral, parsed.Format);
        Assert.Equal("Be brief.", parsed.Conversation!.SystemPrompt);
        Assert.Equal(["Hi", "Hello!"], parsed.Conversation.Messages.Select(m => m.Content));
    }

    internal static byte[] Encode(string line) =>
        line.Contains("\\xE9", StringComparison.Ordinal)
            ? [.. Encoding.UTF8.GetBytes(line[..line.IndexOf("\\xE9", StringComparison.Ordinal)]), 0xE9, .. Encoding.UTF8.GetBytes(line[(line.IndexOf("\\xE9", StringComparison.Ordinal) + 4)..])]
            : Encoding.UTF8.GetBytes(line);

    internal static LineVerdict ValidateOne(DatasetValidator validator, byte[] line) =>
        validator.Validate(new JsonlLine(1, 0, line.Length, line, false));

    private static DatasetFormat? ParseFormat(string format) => format switch
    {
        "mistral" => DatasetFormat.Mistral,
        "openai" => DatasetFormat.OpenAI,
        "text" => DatasetFormat.Text,
        _ => null,
    };
}
