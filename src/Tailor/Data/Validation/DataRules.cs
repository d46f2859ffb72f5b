namespace Tailor.Data.Validation;

/// <summary>
/// Every rule the dataset validator applies, with its code, bucket and fix hint: the superset of
/// mistral-finetune's <c>validate_data.py</c>, mistral-common's fine-tuning validator and OpenAI's
/// data checks, plus byte-level and length rules. docs/data.md lists the same table.
/// </summary>
public static class DataRules
{
    public const string InvalidUtf8 = "invalid-utf8";
    public const string BlankLine = "blank-line";
    public const string LineTooLong = "line-too-long";
    public const string JsonSyntax = "json-syntax";
    public const string NotAnObject = "not-an-object";
    public const string DuplicateKey = "duplicate-key";
    public const string AliasConflict = "alias-conflict";
    public const string UnknownKey = "unknown-key";
    public const string WrongType = "wrong-type";
    public const string MissingMessages = "missing-messages";
    public const string EmptyMessages = "empty-messages";
    public const string EmptyText = "empty-text";
    public const string FirstRole = "first-role";
    public const string LastRole = "last-role";
    public const string RoleOrder = "role-order";
    public const string MultipleSystem = "multiple-system";
    public const string NothingToTrain = "nothing-to-train";
    public const string MissingRole = "missing-role";
    public const string UnknownRole = "unknown-role";
    public const string MissingContent = "missing-content";
    public const string EmptyContent = "empty-content";
    public const string ContentParts = "content-parts";
    public const string ContentAndToolCalls = "content-and-tool-calls";
    public const string WeightValue = "weight-value";
    public const string WeightNotAssistant = "weight-not-assistant";
    public const string ToolCallsNotAssistant = "tool-calls-not-assistant";
    public const string ToolCallId = "tool-call-id";
    public const string ToolCallIdFormat = "tool-call-id-format";
    public const string DuplicateToolCallId = "duplicate-tool-call-id";
    public const string FunctionName = "function-name";
    public const string ToolCallArguments = "tool-call-arguments";
    public const string ToolCallType = "tool-call-type";
    public const string ToolMessageId = "tool-message-id";
    public const string ToolResponseUnknownId = "tool-response-unknown-id";
    public const string TooManyToolResponses = "too-many-tool-responses";
    public const string UnansweredToolCall = "unanswered-tool-call";
    public const string ToolDefinition = "tool-definition";
    public const string ToolSchema = "tool-schema";
    public const string DuplicateTool = "duplicate-tool";
    public const string UnknownFunction = "unknown-function";
    public const string FormatMismatch = "format-mismatch";
    public const string LegacyFunctions = "legacy-functions";
    public const string TooManyTokens = "too-many-tokens";
    public const string TooFewExamples = "too-few-examples";
    public const string NoExamples = "no-examples";

    private static readonly DataRule[] Rules =
    [
        new(InvalidUtf8, IssueBucket.Encoding, IssueSeverity.Error, "the line is valid UTF-8",
            "save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8); the column shows the first bad byte"),
        new(BlankLine, IssueBucket.Encoding, IssueSeverity.Error, "no blank lines between examples",
            "delete the blank line: every line of a JSONL file is one example"),
        new(LineTooLong, IssueBucket.Encoding, IssueSeverity.Error, "a line is at most the byte limit (64 MiB by default)",
            "split the example, or raise the limit with --max-line-bytes if it is really one example"),
        new(JsonSyntax, IssueBucket.Json, IssueSeverity.Error, "the line is one complete JSON value (no trailing commas, comments, NaN or single quotes)",
            "fix the JSON at the column shown; each example must sit on one line"),
        new(NotAnObject, IssueBucket.Json, IssueSeverity.Error, "the line is a JSON object",
            "write one object per line, e.g. {\"messages\": [...]}; a whole JSON array is not JSONL"),
        new(DuplicateKey, IssueBucket.Json, IssueSeverity.Error, "no key appears twice in one object",
            "remove one of the two; JSON parsers disagree on which one wins"),
        new(AliasConflict, IssueBucket.Json, IssueSeverity.Error, "only one of two keys that mean the same thing (messages/interactions, content/text, tools/available_tools)",
            "keep one of the two keys"),
        new(UnknownKey, IssueBucket.Message, IssueSeverity.Error, "messages, tool calls and tools hold only the keys the format defines",
            "remove the key, or move it into the example's \"metadata\" object"),
        new(WrongType, IssueBucket.Json, IssueSeverity.Error, "each key holds the JSON type the format defines",
            "see docs/data.md for the type of each key"),
        new(MissingMessages, IssueBucket.Conversation, IssueSeverity.Error, "an example has \"messages\" (chat), \"text\" (pretraining) or \"conversations\" (ShareGPT)",
            "wrap the example as {\"messages\": [{\"role\": \"user\", ...}, {\"role\": \"assistant\", ...}]}"),
        new(EmptyMessages, IssueBucket.Conversation, IssueSeverity.Error, "the messages list is not empty",
            "add at least a user and an assistant message, or delete the line"),
        new(EmptyText, IssueBucket.Conversation, IssueSeverity.Error, "a pretraining text is not empty or whitespace",
            "delete the line or fill in the text"),
        new(FirstRole, IssueBucket.Conversation, IssueSeverity.Error, "the first message is from the system or the user",
            "start with the user's message (after an optional system message)"),
        new(LastRole, IssueBucket.Conversation, IssueSeverity.Error, "the last message is from the assistant (fine-tuning learns the answer)",
            "end the example with the assistant's answer, or drop the trailing messages"),
        new(RoleOrder, IssueBucket.Conversation, IssueSeverity.Error, "roles follow each other as chat templates allow: system -> user|assistant|system, user -> assistant|user|system, assistant -> user|assistant|tool, tool -> assistant|tool",
            "reorder the messages; a tool message must follow the assistant message that called it"),
        new(MultipleSystem, IssueBucket.Conversation, IssueSeverity.Error, "at most one system prompt (a system message or a top-level system_prompt)",
            "merge the system messages into one at the start"),
        new(NothingToTrain, IssueBucket.Conversation, IssueSeverity.Warning, "at least one assistant message has weight 1",
            "set \"weight\": 1 on the assistant message to learn from, or drop the example"),
        new(MissingRole, IssueBucket.Message, IssueSeverity.Error, "every message has a role",
            "add \"role\": \"user\" | \"assistant\" | \"system\" | \"tool\""),
        new(UnknownRole, IssueBucket.Message, IssueSeverity.Error, "roles are system, user, assistant or tool",
            "use one of system, user, assistant, tool; legacy \"function\" messages convert with 'tailor data convert'"),
        new(MissingContent, IssueBucket.Message, IssueSeverity.Error, "system, user and tool messages have content; an assistant message has content or tool calls",
            "add \"content\": \"...\""),
        new(EmptyContent, IssueBucket.Message, IssueSeverity.Error, "content is not empty or whitespace only",
            "write the message's text, or remove the message"),
        new(ContentParts, IssueBucket.Message, IssueSeverity.Error, "content given as a list holds only text parts ({\"type\": \"text\", \"text\": ...})",
            "replace image or audio parts by text; tuning data here is text only"),
        new(ContentAndToolCalls, IssueBucket.Message, IssueSeverity.Error, "(Mistral) an assistant message has content or tool calls, not both",
            "move the text to a separate assistant message, or drop it"),
        new(WeightValue, IssueBucket.Message, IssueSeverity.Error, "weight is 0 or 1",
            "use \"weight\": 1 to train on the message or 0 to keep it as context"),
        new(WeightNotAssistant, IssueBucket.Message, IssueSeverity.Error, "only assistant messages carry a weight",
            "remove \"weight\" from the message; only assistant messages are trained on"),
        new(ToolCallsNotAssistant, IssueBucket.Tools, IssueSeverity.Error, "only assistant messages carry tool calls",
            "move the tool calls to an assistant message"),
        new(ToolCallId, IssueBucket.Tools, IssueSeverity.Error, "every tool call has an id",
            "add \"id\" to the tool call and the same \"tool_call_id\" to the tool message that answers it"),
        new(ToolCallIdFormat, IssueBucket.Tools, IssueSeverity.Error, "(Mistral) tool call ids are exactly 9 letters or digits",
            "'tailor data convert --to mistral' rewrites ids consistently in calls and answers"),
        new(DuplicateToolCallId, IssueBucket.Tools, IssueSeverity.Error, "tool call ids are unique within an example",
            "give each call its own id"),
        new(FunctionName, IssueBucket.Tools, IssueSeverity.Error, "function names match ^[a-zA-Z0-9_-]{1,64}$",
            "rename the function with letters, digits, '_' and '-', at most 64 characters"),
        new(ToolCallArguments, IssueBucket.Tools, IssueSeverity.Error, "tool call arguments are a string holding a JSON object",
            "write \"arguments\": \"{\\\"city\\\": \\\"Paris\\\"}\" (a JSON object encoded as a string)"),
        new(ToolCallType, IssueBucket.Tools, IssueSeverity.Error, "tool calls and tools have type \"function\" (or no type)",
            "set \"type\": \"function\""),
        new(ToolMessageId, IssueBucket.Tools, IssueSeverity.Error, "a tool message names the call it answers with tool_call_id",
            "add \"tool_call_id\" with the id of the assistant's tool call"),
        new(ToolResponseUnknownId, IssueBucket.Tools, IssueSeverity.Error, "a tool message answers a call made earlier in the example",
            "set tool_call_id to the id of a preceding tool call"),
        new(TooManyToolResponses, IssueBucket.Tools, IssueSeverity.Error, "no more tool responses than tool calls (each call answered once)",
            "remove the extra tool message, or add the call it answers"),
        new(UnansweredToolCall, IssueBucket.Tools, IssueSeverity.Warning, "every tool call is answered by a tool message",
            "add a tool message with the call's result before the next assistant turn"),
        new(ToolDefinition, IssueBucket.Tools, IssueSeverity.Error, "a tool is {\"type\": \"function\", \"function\": {\"name\", \"description\", \"parameters\": {...}}}",
            "add the missing key; parameters is a JSON Schema object"),
        new(ToolSchema, IssueBucket.Tools, IssueSeverity.Error, "tool parameters are a valid JSON Schema (draft 7)",
            "fix the schema at the path shown, e.g. {\"type\": \"object\", \"properties\": {...}, \"required\": [...]}"),
        new(DuplicateTool, IssueBucket.Tools, IssueSeverity.Error, "tool names are unique within an example",
            "remove or rename the second definition"),
        new(UnknownFunction, IssueBucket.Tools, IssueSeverity.Warning, "a tool call names a function the example's tools define",
            "add the function to \"tools\", or fix the name in the call"),
        new(FormatMismatch, IssueBucket.Conversation, IssueSeverity.Error, "the line is written in the format being validated (a chat example in a chat file, a text in a pretraining file, no Mistral-only keys in an OpenAI file)",
            "convert the file with 'tailor data convert --to <format>', or validate with the format it is written in"),
        new(LegacyFunctions, IssueBucket.Tools, IssueSeverity.Warning, "the example uses tools and tool_calls, not OpenAI's deprecated functions / function_call / role function",
            "'tailor data convert --to openai' (or mistral) rewrites it with tools, tool_calls and matching call ids"),
        new(TooManyTokens, IssueBucket.Length, IssueSeverity.Warning, "an example fits the sequence length",
            "shorten the example or raise seq_len; as it is, training truncates it"),
        new(TooFewExamples, IssueBucket.File, IssueSeverity.Warning, "a training file has at least 10 examples (OpenAI's minimum)",
            "add examples: fine-tuning on fewer rarely changes the model"),
        new(NoExamples, IssueBucket.File, IssueSeverity.Error, "a file has at least one valid example",
            "the file is empty or every line was rejected: fix the lines reported above, or check that this is the right file"),
    ];

    private static readonly Dictionary<string, DataRule> ByCode = Rules.ToDictionary(r => r.Code, StringComparer.Ordinal);

    /// <summary>Every rule, in documentation order.</summary>
    public static IReadOnlyList<DataRule> All => Rules;

    public static DataRule Get(string code) =>
        ByCode.TryGetValue(code, out var rule) ? rule : throw new ArgumentException($"unknown data rule '{code}'", nameof(code));
}
