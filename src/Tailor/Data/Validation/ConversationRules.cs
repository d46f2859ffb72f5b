using System.Text.Json;
using Tailor.Data.Formats;

namespace Tailor.Data.Validation;

/// <summary>
/// The rules an example must meet to be tuned on, checked on a parsed <see cref="Conversation"/>:
/// role order, last message, content xor tool calls, weights, tool calls and their responses,
/// tool definitions. The target format decides the format-specific ones (Mistral's 9-character
/// call ids and content-xor-calls; OpenAI's lack of aliases).
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class ConversationRules
{
    private static readonly HashSet<string> NoNames = [];
    private static readonly Dictionary<string, int> NoCalls = [];

    /// <summary>Which role may follow which (mistral-common's fine-tuning validator).</summary>
    private static bool MayFollow(MessageRole previous, MessageRole next) => previous switch
    {
        MessageRole.System => next is MessageRole.User or MessageRole.Assistant or MessageRole.System,
        MessageRole.User => next is MessageRole.Assistant or MessageRole.User or MessageRole.System,
        MessageRole.Assistant => next is MessageRole.User or MessageRole.Assistant or MessageRole.Tool,
        MessageRole.Tool => next is MessageRole.Assistant or MessageRole.Tool,
        _ => false,
    };

    /// <summary>Adds to <paramref name="issues"/> every rule <paramref name="line"/> breaks when validated as <paramref name="target"/> (null: the format it is written in).</summary>
    public static void Check(ParsedLine line, DatasetFormat? target, List<DataIssue> issues)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(issues);
        var conversation = line.Conversation;
        if (conversation is null)
        {
            return;
        }
        CheckFormat(line, target, issues);
        if (conversation.IsText)
        {
            return;
        }
        var format = target ?? line.Format ?? DatasetFormat.OpenAI;
        var messages = conversation.Messages;
        if (messages.Count == 0)
        {
            return;
        }

        CheckTools(conversation.Tools, issues);
        var toolNames = conversation.Tools.Count == 0 ? NoNames : conversation.Tools.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        string listName = line.Format == DatasetFormat.ShareGpt ? "conversations" : (line.Spellings & KeySpelling.Interactions) != 0 ? "interactions" : "messages";

        int systems = conversation.SystemPrompt is null ? 0 : 1;
        bool usesTools = false;
        foreach (var m in messages)
        {
            usesTools |= m.ToolCalls.Count > 0 || m.Role == MessageRole.Tool;
        }
        // Allocated only for the examples that use tools, which keeps plain chat validation cheap.
        var pendingCalls = usesTools ? new Dictionary<string, int>(StringComparer.Ordinal) : NoCalls; // id -> message index of the call
        var allCallIds = usesTools ? new HashSet<string>(StringComparer.Ordinal) : NoNames;
        int calls = 0, responses = 0;
        bool trainable = false;

        if (messages[0].Role is not (MessageRole.User or MessageRole.System))
        {
            issues.Add(DataIssue.Of(DataRules.FirstRole, $"{listName}[0].role", $"the first message is from the {Name(messages[0].Role)}"));
        }

        for (int i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            var path = new MessagePath(listName, i);
            if (i > 0 && !MayFollow(messages[i - 1].Role, message.Role))
            {
                issues.Add(DataIssue.Of(DataRules.RoleOrder, $"{path}.role", $"a {Name(message.Role)} message follows a {Name(messages[i - 1].Role)} message"));
            }
            if (message.Role == MessageRole.System && ++systems == 2)
            {
                issues.Add(DataIssue.Of(DataRules.MultipleSystem, $"{path}.role",
                    conversation.SystemPrompt is null ? "a second system message" : "a system message beside a top-level system_prompt"));
            }
            CheckContent(message, path, format, issues);
            CheckWeight(message, path, issues);
            trainable |= message.IsTrained;

            if (message.ToolCalls.Count > 0)
            {
                if (message.Role != MessageRole.Assistant)
                {
                    issues.Add(DataIssue.Of(DataRules.ToolCallsNotAssistant, $"{path}.tool_calls", $"a {Name(message.Role)} message carries tool calls"));
                }
                if (pendingCalls.Count > 0)
                {
                    WarnUnanswered(pendingCalls, listName, issues);
                }
                for (int c = 0; c < message.ToolCalls.Count; c++)
                {
                    CheckCall(message.ToolCalls[c], $"{path}.tool_calls[{c}]", format, toolNames, allCallIds, issues);
                    if (message.ToolCalls[c].Id is { } id)
                    {
                        pendingCalls[id] = i;
                    }
                    calls++;
                }
            }
            else if (message.Role == MessageRole.Assistant && pendingCalls.Count > 0)
            {
                WarnUnanswered(pendingCalls, listName, issues);
            }

            if (message.Role == MessageRole.Tool)
            {
                responses++;
                if (message.ToolCallId is null)
                {
                    issues.Add(DataIssue.Of(DataRules.ToolMessageId, $"{path}.tool_call_id", "the tool message has no tool_call_id"));
                }
                else if (!pendingCalls.Remove(message.ToolCallId))
                {
                    issues.Add(allCallIds.Contains(message.ToolCallId)
                        ? DataIssue.Of(DataRules.TooManyToolResponses, $"{path}.tool_call_id", $"call \"{message.ToolCallId}\" is answered a second time")
                        : DataIssue.Of(DataRules.ToolResponseUnknownId, $"{path}.tool_call_id", $"no earlier tool call has id \"{message.ToolCallId}\""));
                }
                if (responses > calls && message.ToolCallId is null)
                {
                    issues.Add(DataIssue.Of(DataRules.TooManyToolResponses, path.ToString(), $"{responses} tool responses for {calls} tool call(s)"));
                }
            }
        }

        var last = messages[^1];
        if (last.Role != MessageRole.Assistant)
        {
            issues.Add(DataIssue.Of(DataRules.LastRole, $"{listName}[{messages.Count - 1}].role", $"the last message is from the {Name(last.Role)}, not the assistant"));
        }
        else if (!trainable)
        {
            issues.Add(DataIssue.Of(DataRules.NothingToTrain, listName, "every assistant message has weight 0: nothing to learn from"));
        }
    }

    private static void CheckFormat(ParsedLine line, DatasetFormat? target, List<DataIssue> issues)
    {
        if ((line.Spellings & KeySpelling.LegacyFunctions) != 0)
        {
            issues.Add(target == DatasetFormat.Mistral
                ? DataIssue.Of(DataRules.FormatMismatch, "functions", "OpenAI's deprecated function-calling format, which Mistral does not read", "convert it with 'tailor data convert --to mistral'")
                : DataIssue.Of(DataRules.LegacyFunctions, "", "the example uses the deprecated functions / function_call format"));
        }
        if (target is null || line.Format is null)
        {
            return;
        }
        bool isText = line.Conversation!.IsText;
        if (target == DatasetFormat.Text && !isText)
        {
            issues.Add(DataIssue.Of(DataRules.FormatMismatch, "", "a chat example in a pretraining (text) file"));
        }
        else if (target != DatasetFormat.Text && isText)
        {
            issues.Add(DataIssue.Of(DataRules.FormatMismatch, "text", "a pretraining text in a chat file"));
        }
        else if (target is DatasetFormat.Mistral or DatasetFormat.OpenAI && line.Format == DatasetFormat.ShareGpt)
        {
            issues.Add(DataIssue.Of(DataRules.FormatMismatch, "conversations", "a ShareGPT example (\"conversations\"/\"from\"/\"value\")",
                $"convert it with 'tailor data convert --to {(target == DatasetFormat.Mistral ? "mistral" : "openai")}'"));
        }
        else if (target == DatasetFormat.OpenAI)
        {
            var spellings = line.Spellings;
            void Alias(KeySpelling flag, string key, string openAiKey)
            {
                if ((spellings & flag) != 0)
                {
                    issues.Add(DataIssue.Of(DataRules.FormatMismatch, key, $"\"{key}\" is a Mistral spelling OpenAI does not accept", $"rename it \"{openAiKey}\" ('tailor data convert --to openai' does it)"));
                }
            }
            Alias(KeySpelling.Interactions, "interactions", "messages");
            Alias(KeySpelling.AvailableTools, "available_tools", "tools");
            Alias(KeySpelling.TextContent, "text", "content");
            Alias(KeySpelling.SystemPromptKey, "system_prompt", "a first system message");
        }
    }

    private static void CheckContent(ConversationMessage message, MessagePath path, DatasetFormat format, List<DataIssue> issues)
    {
        bool hasCalls = message.ToolCalls.Count > 0;
        if (message.Content is null)
        {
            if (!(message.Role == MessageRole.Assistant && hasCalls))
            {
                issues.Add(DataIssue.Of(DataRules.MissingContent, $"{path}.content",
                    message.Role == MessageRole.Assistant ? "the assistant message has neither content nor tool calls" : $"the {Name(message.Role)} message has no content"));
            }
            return;
        }
        bool blank = string.IsNullOrWhiteSpace(message.Content);
        if (blank && !(message.Role == MessageRole.Assistant && hasCalls))
        {
            issues.Add(DataIssue.Of(DataRules.EmptyContent, $"{path}.content",
                message.Content.Length == 0 ? "the content is empty" : "the content is whitespace only"));
        }
        if (!blank && hasCalls && format == DatasetFormat.Mistral)
        {
            issues.Add(DataIssue.Of(DataRules.ContentAndToolCalls, $"{path}.content", "the assistant message has both content and tool calls"));
        }
    }

    private static void CheckWeight(ConversationMessage message, MessagePath path, List<DataIssue> issues)
    {
        if (message.Weight is not { } weight)
        {
            return;
        }
        if (message.Role != MessageRole.Assistant)
        {
            issues.Add(DataIssue.Of(DataRules.WeightNotAssistant, $"{path}.weight", $"a {Name(message.Role)} message carries a weight"));
        }
        else if (weight is not (0 or 1))
        {
            issues.Add(DataIssue.Of(DataRules.WeightValue, $"{path}.weight", $"weight is {weight.ToString(System.Globalization.CultureInfo.InvariantCulture)}, not 0 or 1"));
        }
    }

    private static void CheckCall(ToolCall call, string path, DatasetFormat format, HashSet<string> toolNames, HashSet<string> allCallIds, List<DataIssue> issues)
    {
        if (call.Id is null)
        {
            issues.Add(DataIssue.Of(DataRules.ToolCallId, $"{path}.id", "the tool call has no id"));
        }
        else
        {
            if (format == DatasetFormat.Mistral && !IsMistralCallId(call.Id))
            {
                issues.Add(DataIssue.Of(DataRules.ToolCallIdFormat, $"{path}.id", $"id \"{call.Id}\" is not 9 letters or digits"));
            }
            if (!allCallIds.Add(call.Id))
            {
                issues.Add(DataIssue.Of(DataRules.DuplicateToolCallId, $"{path}.id", $"id \"{call.Id}\" is used by an earlier call"));
            }
        }
        if (call.Name.Length > 0)
        {
            if (!IsFunctionName(call.Name))
            {
                issues.Add(DataIssue.Of(DataRules.FunctionName, $"{path}.function.name", $"function name \"{call.Name}\" does not match ^[a-zA-Z0-9_-]{{1,64}}$"));
            }
            else if (toolNames.Count > 0 && !toolNames.Contains(call.Name))
            {
                issues.Add(DataIssue.Of(DataRules.UnknownFunction, $"{path}.function.name", $"\"{call.Name}\" is not among the example's tools"));
            }
        }
        if (call.Arguments.Length > 0 && !IsJsonObject(call.Arguments))
        {
            issues.Add(DataIssue.Of(DataRules.ToolCallArguments, $"{path}.function.arguments", "the arguments string is not a JSON object"));
        }
    }

    private static void CheckTools(IReadOnlyList<ToolDefinition> tools, List<DataIssue> issues)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < tools.Count; i++)
        {
            var tool = tools[i];
            if (!IsFunctionName(tool.Name))
            {
                issues.Add(DataIssue.Of(DataRules.FunctionName, $"tools[{i}].function.name", $"function name \"{tool.Name}\" does not match ^[a-zA-Z0-9_-]{{1,64}}$"));
            }
            if (!names.Add(tool.Name))
            {
                issues.Add(DataIssue.Of(DataRules.DuplicateTool, $"tools[{i}].function.name", $"\"{tool.Name}\" is defined twice"));
            }
            if (tool.Description is null)
            {
                issues.Add(DataIssue.Of(DataRules.ToolDefinition, $"tools[{i}].function.description", "the function has no description"));
            }
            if (tool.ParametersJson is null)
            {
                issues.Add(DataIssue.Of(DataRules.ToolDefinition, $"tools[{i}].function.parameters", "the function has no parameters schema"));
            }
        }
    }

    private static void WarnUnanswered(Dictionary<string, int> pending, string listName, List<DataIssue> issues)
    {
        foreach (var (id, index) in pending)
        {
            issues.Add(DataIssue.Of(DataRules.UnansweredToolCall, $"{listName}[{index}].tool_calls", $"call \"{id}\" is never answered by a tool message"));
        }
        pending.Clear();
    }

    /// <summary>Mistral's tool-call ids: exactly 9 ASCII letters or digits.</summary>
    public static bool IsMistralCallId(string id) => id.Length == 9 && id.All(char.IsAsciiLetterOrDigit);

    /// <summary><c>^[a-zA-Z0-9_-]{1,64}$</c>.</summary>
    public static bool IsFunctionName(string name) =>
        name.Length is >= 1 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    private static bool IsJsonObject(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Name(MessageRole role) => role switch
    {
        MessageRole.System => "system",
        MessageRole.User => "user",
        MessageRole.Assistant => "assistant",
        _ => "tool",
    };

    /// <summary><c>messages[i]</c>, rendered only when a problem names it.</summary>
    private readonly record struct MessagePath(string List, int Index)
    {
        public override string ToString() => $"{List}[{Index}]";
    }
}
