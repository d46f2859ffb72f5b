using System.Text;
using System.Text.Json;
using Tailor.Data.Validation;

namespace Tailor.Data.Formats;

/// <summary>
/// Reads one JSONL line into a <see cref="Conversation"/> in a single forward pass over the bytes
/// (no intermediate document), accepting every supported format and its aliases. It never throws
/// for bad input: each problem (bad UTF-8, syntax error with its column, duplicate key, wrong type,
/// unknown key, unknown role) becomes a <see cref="DataIssue"/>, and reading goes on where it safely
/// can so one pass reports as much as possible.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class ConversationLineParser
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };
    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    /// <summary>Parses <paramref name="utf8"/>, recording <paramref name="file"/> and <paramref name="line"/> as the example's source.</summary>
    public static ParsedLine Parse(ReadOnlySpan<byte> utf8, string? file, long line) => Parse(utf8, null, file, line);

    /// <summary>Parses <paramref name="utf8"/> (one line without its newline; a leading BOM is ignored).</summary>
    public static ParsedLine Parse(ReadOnlySpan<byte> utf8, ConversationSource? source = null) => Parse(utf8, source, null, 0);

    private static ParsedLine Parse(ReadOnlySpan<byte> utf8, ConversationSource? source, string? file, long line)
    {
        var result = new ParsedLine();
        if (utf8.StartsWith(Bom))
        {
            utf8 = utf8[3..];
        }
        if (!System.Text.Unicode.Utf8.IsValid(utf8))
        {
            int offset = FirstInvalidByte(utf8);
            var issue = utf8.StartsWith((ReadOnlySpan<byte>)[0x1F, 0x8B])
                ? DataIssue.Of(DataRules.InvalidUtf8, "", "the data is gzip-compressed (it starts with bytes 1F 8B)", "decompress it first: gunzip -k file.jsonl.gz")
                : utf8.Length >= 2 && ((utf8[0] == 0xFF && utf8[1] == 0xFE) || (utf8[0] == 0xFE && utf8[1] == 0xFF))
                    ? DataIssue.Of(DataRules.InvalidUtf8, "", "the file is UTF-16, not UTF-8", "convert it: iconv -f UTF-16 -t UTF-8 file.jsonl > file.utf8.jsonl")
                    : DataIssue.Of(DataRules.InvalidUtf8, "", $"invalid UTF-8 byte 0x{utf8[offset]:X2}");
            result.Issues.Add(issue with { Column = ColumnOf(utf8, offset) });
            return result;
        }

        var state = new State(result);
        var reader = new Utf8JsonReader(utf8, ReaderOptions);
        try
        {
            if (!reader.Read())
            {
                result.Issues.Add(DataIssue.Of(DataRules.BlankLine, "", "the line is empty"));
                return result;
            }
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                result.Issues.Add(DataIssue.Of(DataRules.NotAnObject, "", $"the line is a JSON {Describe(reader.TokenType)}, not an object"));
                return result;
            }
            ReadRoot(ref reader, state, utf8);
            if (reader.Read())
            {
                // Something follows the object: "{...} {...}" or "{...},".
                throw new JsonException($"'{(char)utf8[(int)reader.TokenStartIndex]}' after the end of the object", null, 0, reader.TokenStartIndex);
            }
        }
        catch (JsonException ex)
        {
            long position = ex.BytePositionInLine ?? reader.BytesConsumed;
            int column = ColumnOf(utf8, (int)Math.Min(position, utf8.Length));
            // Nothing read before a syntax error can be trusted: report the error alone.
            result.Issues.Clear();
            result.Issues.Add(DataIssue.Of(DataRules.JsonSyntax, "", CleanMessage(ex.Message)) with { Column = column });
            result.Conversation = null;
            return result;
        }

        if (!result.HasErrors)
        {
            result.Conversation = state.Build(
                source is not null ? source with { Format = result.Format }
                : file is not null || line > 0 ? new ConversationSource(file, line) { Format = result.Format }
                : null);
        }
        return result;
    }

    /// <summary>Mutable state of one parse; kept out of the reader methods so they stay ref-struct friendly.</summary>
    private sealed class State(ParsedLine result)
    {
        public ParsedLine Result { get; } = result;
        public List<ConversationMessage>? Messages;
        public string? Text;
        public string? SystemPrompt;
        public List<ToolDefinition>? Tools;
        public List<string>? Tags;
        public RawJsonMap? Metadata;
        public bool SawMessages;
        public bool SawText;

        public void Add(string code, string field, string message) => Result.Issues.Add(DataIssue.Of(code, field, message));

        public Conversation Build(ConversationSource? source) => new()
        {
            Messages = (Result.Spellings & KeySpelling.LegacyFunctions) != 0 && Messages is not null ? LegacyFunctions.Link(Messages) : (IReadOnlyList<ConversationMessage>?)Messages ?? [],
            Text = Text,
            SystemPrompt = SystemPrompt,
            Tools = (IReadOnlyList<ToolDefinition>?)Tools ?? [],
            Tags = (IReadOnlyList<string>?)Tags ?? [],
            Metadata = (IReadOnlyDictionary<string, JsonElement>?)Metadata ?? Conversation.EmptyMetadata,
            Source = source,
        };
    }

    /// <summary>The bytes of the value that started at <paramref name="start"/> and that the reader has just finished, checked for duplicate keys.</summary>
    private static byte[] Slice(ReadOnlySpan<byte> utf8, int start, ref Utf8JsonReader reader, State state, string key)
    {
        var slice = utf8[start..(int)reader.BytesConsumed];
        if (slice.Length > 0 && slice[0] is (byte)'{' or (byte)'[' && DuplicateKeyScan.Find(slice, key) is { } duplicate)
        {
            state.Add(DataRules.DuplicateKey, duplicate, $"key \"{duplicate[(duplicate.LastIndexOf('.') + 1)..]}\" appears twice");
        }
        return slice.ToArray();
    }

    private static void ReadRoot(ref Utf8JsonReader reader, State state, ReadOnlySpan<byte> utf8)
    {
        var seen = new KeySet();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string key = KeyOf(ref reader);
            if (!seen.Add(key))
            {
                state.Add(DataRules.DuplicateKey, key, $"key \"{key}\" appears twice");
            }
            reader.Read();
            switch (key)
            {
                case "messages" or "interactions":
                    if (key == "interactions")
                    {
                        state.Result.Spellings |= KeySpelling.Interactions;
                    }
                    if (state.SawMessages)
                    {
                        state.Add(DataRules.AliasConflict, key, "both \"messages\" and \"interactions\" are given");
                    }
                    state.SawMessages = true;
                    state.Result.Format ??= DatasetFormat.OpenAI;
                    state.Messages = ReadMessages(ref reader, state, key, shareGpt: false);
                    break;
                case "conversations":
                    if (state.SawMessages)
                    {
                        state.Add(DataRules.AliasConflict, key, "both \"messages\" and \"conversations\" are given");
                    }
                    state.SawMessages = true;
                    state.Result.Format = DatasetFormat.ShareGpt;
                    state.Messages = ReadMessages(ref reader, state, key, shareGpt: true);
                    break;
                case "text" or "content":
                    if (state.SawText)
                    {
                        state.Add(DataRules.AliasConflict, key, "both \"text\" and \"content\" are given");
                    }
                    state.SawText = true;
                    state.Text = ReadString(ref reader, state, key);
                    break;
                case "system_prompt" or "system":
                    state.Result.Spellings |= KeySpelling.SystemPromptKey;
                    if (state.SystemPrompt is not null)
                    {
                        state.Add(DataRules.AliasConflict, key, "both \"system_prompt\" and \"system\" are given");
                    }
                    state.SystemPrompt = ReadString(ref reader, state, key);
                    break;
                case "tools" or "available_tools":
                    if (key == "available_tools")
                    {
                        state.Result.Spellings |= KeySpelling.AvailableTools;
                    }
                    if (state.Tools is not null)
                    {
                        state.Add(DataRules.AliasConflict, key, "both \"tools\" and \"available_tools\" are given");
                    }
                    state.Tools = ReadTools(ref reader, state, key, utf8);
                    break;
                case "functions":
                    state.Result.Spellings |= KeySpelling.LegacyFunctions;
                    if (state.Tools is not null)
                    {
                        state.Add(DataRules.AliasConflict, key, "both \"tools\" and the legacy \"functions\" are given");
                    }
                    state.Tools = ReadTools(ref reader, state, key, utf8, bareFunctions: true);
                    break;
                case "tags":
                {
                    // Kept in metadata too, so a rewrite puts the key back where it was.
                    int start = (int)reader.TokenStartIndex;
                    state.Tags = ReadTagArray(ref reader, state, "tags", state.Tags);
                    (state.Metadata ??= new()).Set(key, Slice(utf8, start, ref reader, state, key));
                    break;
                }
                case "metadata":
                {
                    int start = (int)reader.TokenStartIndex;
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                        {
                            bool isTags = reader.ValueTextEquals("tags"u8);
                            reader.Read();
                            if (isTags)
                            {
                                state.Tags = ReadTagArray(ref reader, state, "metadata.tags", state.Tags);
                            }
                            else
                            {
                                reader.Skip();
                            }
                        }
                    }
                    else
                    {
                        reader.Skip();
                    }
                    (state.Metadata ??= new()).Set(key, Slice(utf8, start, ref reader, state, key));
                    break;
                }
                default:
                {
                    int start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    (state.Metadata ??= new()).Set(key, Slice(utf8, start, ref reader, state, key));
                    break;
                }
            }
        }

        if (state.SawMessages && state.SawText)
        {
            state.Add(DataRules.AliasConflict, "text", "an example is either a conversation (\"messages\") or a text (\"text\"), not both");
        }
        else if (state.SawText)
        {
            state.Result.Format = DatasetFormat.Text;
            if (state.Text is not null && string.IsNullOrWhiteSpace(state.Text))
            {
                state.Add(DataRules.EmptyText, "text", "the text is empty or whitespace");
            }
        }
        else if (!state.SawMessages)
        {
            state.Add(DataRules.MissingMessages, "", "the example has no \"messages\", \"text\" or \"conversations\"");
        }
        if (state.Result.Format == DatasetFormat.OpenAI
            && (state.Result.Spellings & (KeySpelling.Interactions | KeySpelling.AvailableTools | KeySpelling.TextContent | KeySpelling.SystemPromptKey)) != 0)
        {
            state.Result.Format = DatasetFormat.Mistral;
        }
    }

    private static List<ConversationMessage>? ReadMessages(ref Utf8JsonReader reader, State state, string field, bool shareGpt)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            state.Add(DataRules.WrongType, field, $"\"{field}\" is a {Describe(reader.TokenType)}, not a list of messages");
            reader.Skip();
            return null;
        }
        var messages = new List<ConversationMessage>();
        bool broken = false;
        int index = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var path = new Field(field, index);
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                state.Add(DataRules.WrongType, path, $"a message is a {Describe(reader.TokenType)}, not an object");
                reader.Skip();
                broken = true;
            }
            else if ((shareGpt ? ReadShareGptTurn(ref reader, state, path) : ReadMessage(ref reader, state, path)) is { } message)
            {
                messages.Add(message);
            }
            else
            {
                broken = true;
            }
            index++;
        }
        if (index == 0)
        {
            state.Add(DataRules.EmptyMessages, field, $"\"{field}\" is empty");
        }
        return broken ? null : messages;
    }

    private static ConversationMessage? ReadMessage(ref Utf8JsonReader reader, State state, Field path)
    {
        var seen = new KeySet();
        MessageRole? role = null;
        bool roleBad = false, sawContent = false, sawText = false;
        string? content = null, toolCallId = null, name = null;
        double? weight = null;
        List<ToolCall>? calls = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string key = KeyOf(ref reader);
            if (!seen.Add(key))
            {
                state.Add(DataRules.DuplicateKey, path.Dot(key), $"key \"{key}\" appears twice in the message");
            }
            reader.Read();
            switch (key)
            {
                case "role":
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        state.Add(DataRules.UnknownRole, path.Dot("role"), $"the role is a {Describe(reader.TokenType)}, not a string");
                        reader.Skip();
                        roleBad = true;
                        break;
                    }
                    role = RoleOf(ref reader);
                    if (role is null && reader.ValueTextEquals("function"u8))
                    {
                        // OpenAI's legacy function result: a tool message, linked to its call when the example is built.
                        state.Result.Spellings |= KeySpelling.LegacyFunctions;
                        role = MessageRole.Tool;
                    }
                    if (role is null)
                    {
                        state.Add(DataRules.UnknownRole, path.Dot("role"), $"unknown role \"{reader.GetString()}\"");
                        roleBad = true;
                    }
                    break;
                case "content" or "text":
                    if (key == "text")
                    {
                        state.Result.Spellings |= KeySpelling.TextContent;
                        sawText = true;
                    }
                    else
                    {
                        sawContent = true;
                    }
                    if (sawText && sawContent)
                    {
                        state.Add(DataRules.AliasConflict, path.Dot(key), "both \"content\" and \"text\" are given");
                    }
                    content = ReadContent(ref reader, state, path.Dot(key));
                    break;
                case "tool_calls":
                    calls = ReadToolCalls(ref reader, state, path.Dot("tool_calls"));
                    break;
                case "tool_call_id":
                    toolCallId = ReadString(ref reader, state, path.Dot("tool_call_id"));
                    break;
                case "function_call":
                    state.Result.Spellings |= KeySpelling.LegacyFunctions;
                    var (legacyName, legacyArguments) = ReadFunctionCall(ref reader, state, path.Dot("function_call"));
                    (calls ??= []).Add(new ToolCall(null, legacyName ?? "", legacyArguments ?? ""));
                    break;
                case "name":
                    name = ReadString(ref reader, state, path.Dot("name"));
                    break;
                case "weight":
                    weight = ReadWeight(ref reader, state, path.Dot("weight")) ?? weight;
                    break;
                default:
                    state.Add(DataRules.UnknownKey, path.Dot(key), $"unknown key \"{key}\" in a message");
                    reader.Skip();
                    break;
            }
        }
        if (role is null)
        {
            if (!roleBad)
            {
                state.Add(DataRules.MissingRole, path.Dot("role"), "the message has no role");
            }
            return null;
        }
        return new ConversationMessage(role.Value, content)
        {
            ToolCalls = (IReadOnlyList<ToolCall>?)calls ?? [],
            ToolCallId = toolCallId,
            Name = name,
            Weight = weight,
        };
    }

    private static ConversationMessage? ReadShareGptTurn(ref Utf8JsonReader reader, State state, Field path)
    {
        var seen = new KeySet();
        MessageRole? role = null;
        bool roleBad = false;
        string? value = null;
        double? weight = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string key = KeyOf(ref reader);
            if (!seen.Add(key))
            {
                state.Add(DataRules.DuplicateKey, path.Dot(key), $"key \"{key}\" appears twice in the turn");
            }
            reader.Read();
            switch (key)
            {
                case "from":
                    string? from = ReadString(ref reader, state, path.Dot("from"));
                    role = from switch
                    {
                        "human" or "user" => MessageRole.User,
                        "gpt" or "assistant" or "model" or "chatgpt" => MessageRole.Assistant,
                        "system" => MessageRole.System,
                        _ => null,
                    };
                    if (role is null)
                    {
                        state.Add(DataRules.UnknownRole, path.Dot("from"), $"unknown speaker \"{from}\" (expected human, gpt or system)");
                        roleBad = true;
                    }
                    break;
                case "value":
                    value = ReadString(ref reader, state, path.Dot("value"));
                    break;
                case "weight":
                    weight = ReadWeight(ref reader, state, path.Dot("weight")) ?? weight;
                    break;
                default:
                    state.Add(DataRules.UnknownKey, path.Dot(key), $"unknown key \"{key}\" in a ShareGPT turn");
                    reader.Skip();
                    break;
            }
        }
        if (role is null)
        {
            if (!roleBad)
            {
                state.Add(DataRules.MissingRole, path.Dot("from"), "the turn has no \"from\"");
            }
            return null;
        }
        return new ConversationMessage(role.Value, value) { Weight = weight };
    }

    private static string? ReadContent(ref Utf8JsonReader reader, State state, Field path)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.StartArray:
                state.Result.Spellings |= KeySpelling.ContentPartsList;
                var text = new StringBuilder();
                int index = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    var part = JsonElement.ParseValue(ref reader);
                    if (part.ValueKind == JsonValueKind.Object
                        && part.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "text"
                        && part.TryGetProperty("text", out var partText) && partText.ValueKind == JsonValueKind.String)
                    {
                        text.Append(partText.GetString());
                    }
                    else
                    {
                        state.Add(DataRules.ContentParts, $"{path}[{index}]", "a content part that is not {\"type\": \"text\", \"text\": ...}");
                    }
                    index++;
                }
                return text.ToString();
            default:
                state.Add(DataRules.WrongType, path, $"content is a {Describe(reader.TokenType)}, not a string");
                reader.Skip();
                return null;
        }
    }

    private static List<ToolCall>? ReadToolCalls(ref Utf8JsonReader reader, State state, string path)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            state.Add(DataRules.WrongType, path, $"tool_calls is a {Describe(reader.TokenType)}, not a list");
            reader.Skip();
            return null;
        }
        var calls = new List<ToolCall>();
        int index = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            string callPath = $"{path}[{index++}]";
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                state.Add(DataRules.WrongType, callPath, $"a tool call is a {Describe(reader.TokenType)}, not an object");
                reader.Skip();
                continue;
            }
            string? id = null, name = null, arguments = null;
            bool sawFunction = false;
            var seen = new KeySet();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string key = KeyOf(ref reader);
                if (!seen.Add(key))
                {
                    state.Add(DataRules.DuplicateKey, $"{callPath}.{key}", $"key \"{key}\" appears twice in the tool call");
                }
                reader.Read();
                switch (key)
                {
                    case "id":
                        id = ReadString(ref reader, state, $"{callPath}.id");
                        break;
                    case "type":
                        if (ReadString(ref reader, state, $"{callPath}.type") is { } type && type != "function")
                        {
                            state.Add(DataRules.ToolCallType, $"{callPath}.type", $"tool call type \"{type}\" is not \"function\"");
                        }
                        break;
                    case "function":
                        sawFunction = true;
                        (name, arguments) = ReadFunctionCall(ref reader, state, $"{callPath}.function");
                        break;
                    default:
                        state.Add(DataRules.UnknownKey, $"{callPath}.{key}", $"unknown key \"{key}\" in a tool call");
                        reader.Skip();
                        break;
                }
            }
            if (!sawFunction)
            {
                state.Add(DataRules.ToolDefinition, $"{callPath}.function", "the tool call has no \"function\" {name, arguments}");
            }
            calls.Add(new ToolCall(id, name ?? "", arguments ?? ""));
        }
        return calls;
    }

    private static (string? Name, string? Arguments) ReadFunctionCall(ref Utf8JsonReader reader, State state, string path)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            state.Add(DataRules.WrongType, path, $"function is a {Describe(reader.TokenType)}, not an object");
            reader.Skip();
            return (null, null);
        }
        string? name = null, arguments = null;
        bool sawArguments = false;
        var seen = new KeySet();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string key = KeyOf(ref reader);
            if (!seen.Add(key))
            {
                state.Add(DataRules.DuplicateKey, $"{path}.{key}", $"key \"{key}\" appears twice");
            }
            reader.Read();
            switch (key)
            {
                case "name":
                    name = ReadString(ref reader, state, $"{path}.name");
                    break;
                case "arguments":
                    sawArguments = true;
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        arguments = reader.GetString();
                    }
                    else
                    {
                        var raw = JsonElement.ParseValue(ref reader);
                        arguments = raw.GetRawText();
                        state.Add(DataRules.ToolCallArguments, $"{path}.arguments", $"arguments is a JSON {Describe(raw.ValueKind)}, not a string");
                    }
                    break;
                default:
                    state.Add(DataRules.UnknownKey, $"{path}.{key}", $"unknown key \"{key}\" in a function call");
                    reader.Skip();
                    break;
            }
        }
        if (name is null)
        {
            state.Add(DataRules.FunctionName, $"{path}.name", "the function call has no name");
        }
        if (!sawArguments)
        {
            state.Add(DataRules.ToolCallArguments, $"{path}.arguments", "the function call has no arguments");
        }
        return (name, arguments);
    }

    /// <param name="reader">At the start of the list.</param>
    /// <param name="state">Collects problems.</param>
    /// <param name="field">The key the list is under.</param>
    /// <param name="utf8">The whole line, for the duplicate-key scan.</param>
    /// <param name="bareFunctions">OpenAI's legacy <c>functions</c>: each element is the function itself, not <c>{type, function}</c>.</param>
    private static List<ToolDefinition>? ReadTools(ref Utf8JsonReader reader, State state, string field, ReadOnlySpan<byte> utf8, bool bareFunctions = false)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            state.Add(DataRules.WrongType, field, $"\"{field}\" is a {Describe(reader.TokenType)}, not a list");
            reader.Skip();
            return null;
        }
        var tools = new List<ToolDefinition>();
        int index = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            string path = $"{field}[{index++}]";
            int start = (int)reader.TokenStartIndex;
            var tool = JsonElement.ParseValue(ref reader);
            if (DuplicateKeyScan.Find(utf8[start..(int)reader.BytesConsumed], path) is { } duplicate)
            {
                state.Add(DataRules.DuplicateKey, duplicate, $"key \"{duplicate[(duplicate.LastIndexOf('.') + 1)..]}\" appears twice");
            }
            if (tool.ValueKind != JsonValueKind.Object)
            {
                state.Add(DataRules.ToolDefinition, path, $"a tool is a JSON {Describe(tool.ValueKind)}, not an object");
                continue;
            }
            JsonElement function;
            if (bareFunctions)
            {
                function = tool;
                            }
            else
            {
                foreach (var property in tool.EnumerateObject())
                {
                    if (property.Name is not ("type" or "function"))
                    {
                        state.Add(DataRules.UnknownKey, $"{path}.{property.Name}", $"unknown key \"{property.Name}\" in a tool");
                    }
                }
                if (tool.TryGetProperty("type", out var type) && !(type.ValueKind == JsonValueKind.String && type.GetString() == "function"))
                {
                    state.Add(DataRules.ToolCallType, $"{path}.type", $"tool type {type.GetRawText()} is not \"function\"");
                }
                if (!tool.TryGetProperty("function", out function) || function.ValueKind != JsonValueKind.Object)
                {
                    state.Add(DataRules.ToolDefinition, $"{path}.function", "the tool has no \"function\" object");
                    continue;
                }
                path += ".function";
            }
            string? name = function.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
            string? description = function.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
            string? parameters = null;
            if (name is null)
            {
                state.Add(DataRules.ToolDefinition, $"{path}.name", "the function has no name (a string)");
            }
            if (function.TryGetProperty("description", out d) && d.ValueKind != JsonValueKind.String)
            {
                state.Add(DataRules.ToolDefinition, $"{path}.description", "the description is not a string");
            }
            if (function.TryGetProperty("parameters", out var p))
            {
                if (p.ValueKind != JsonValueKind.Object)
                {
                    state.Add(DataRules.ToolDefinition, $"{path}.parameters", $"parameters is a JSON {Describe(p.ValueKind)}, not a JSON Schema object");
                }
                else
                {
                    parameters = p.GetRawText();
                    foreach (var problem in JsonSchemaCheck.Problems(p, $"{path}.parameters"))
                    {
                        state.Add(DataRules.ToolSchema, problem.Path, problem.Message);
                    }
                }
            }
            foreach (var property in function.EnumerateObject())
            {
                if (property.Name is not ("name" or "description" or "parameters" or "strict"))
                {
                    state.Add(DataRules.UnknownKey, $"{path}.{property.Name}", $"unknown key \"{property.Name}\" in a function");
                }
            }
            if (name is not null)
            {
                tools.Add(new ToolDefinition(name, description, parameters));
            }
        }
        return tools;
    }

    private static List<string>? ReadTagArray(ref Utf8JsonReader reader, State state, string field, List<string>? tags)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            state.Add(DataRules.WrongType, field, $"tags is a {Describe(reader.TokenType)}, not a list of strings");
            reader.Skip();
            return tags;
        }
        tags ??= [];
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.String && reader.GetString() is { Length: > 0 } id)
            {
                if (!tags.Contains(id))
                {
                    tags.Add(id);
                }
            }
            else
            {
                state.Add(DataRules.WrongType, field, $"a tag is a {Describe(reader.TokenType)}, not a non-empty string");
                reader.Skip();
            }
        }
        return tags;
    }

    /// <summary>A message's weight when it is a number (its value is checked later); any other JSON value is reported and skipped.</summary>
    private static double? ReadWeight(ref Utf8JsonReader reader, State state, Field field)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            return reader.GetDouble();
        }
        state.Add(DataRules.WeightValue, field, $"weight is a {Describe(reader.TokenType)}, not 0 or 1");
        reader.Skip();
        return null;
    }

    private static string? ReadString(ref Utf8JsonReader reader, State state, Field field)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString();
        }
        if (reader.TokenType != JsonTokenType.Null)
        {
            state.Add(DataRules.WrongType, field, $"\"{field}\" is a {Describe(reader.TokenType)}, not a string");
        }
        reader.Skip();
        return null;
    }

    internal static MessageRole? ParseRole(string role) => role switch
    {
        "system" => MessageRole.System,
        "user" => MessageRole.User,
        "assistant" => MessageRole.Assistant,
        "tool" => MessageRole.Tool,
        _ => null,
    };

    private static string Describe(JsonTokenType type) => type switch
    {
        JsonTokenType.StartObject => "object",
        JsonTokenType.StartArray => "list",
        JsonTokenType.String => "string",
        JsonTokenType.Number => "number",
        JsonTokenType.True or JsonTokenType.False => "boolean",
        JsonTokenType.Null => "null",
        _ => type.ToString().ToLowerInvariant(),
    };

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "list",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Null => "null",
        _ => "value",
    };

    /// <summary>System.Text.Json's messages end with "LineNumber: 0 | BytePositionInLine: 12."; we say the column ourselves.</summary>
    private static string CleanMessage(string message)
    {
        int cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        string text = (cut >= 0 ? message[..cut] : message).TrimEnd(' ', '.');
        return text.Length == 0 ? "invalid JSON" : text;
    }

    private static int FirstInvalidByte(ReadOnlySpan<byte> utf8)
    {
        int offset = 0;
        while (offset < utf8.Length)
        {
            if (System.Text.Rune.DecodeFromUtf8(utf8[offset..], out _, out int consumed) != System.Buffers.OperationStatus.Done)
            {
                return offset;
            }
            offset += consumed;
        }
        return 0;
    }

    /// <summary>1-based column in characters (UTF-8 lead bytes) of byte <paramref name="offset"/>.</summary>
    internal static int ColumnOf(ReadOnlySpan<byte> utf8, int offset)
    {
        int column = 1;
        for (int i = 0; i < offset && i < utf8.Length; i++)
        {
            if ((utf8[i] & 0xC0) != 0x80)
            {
                column++;
            }
        }
        return column;
    }

    /// <summary>A field path built only when a problem is reported: <c>messages[3].content</c>.</summary>
    private readonly struct Field(string root, int index = -1, string? key = null)
    {
        public Field Dot(string name) => key is null ? new Field(root, index, name) : new Field(ToString(), -1, name);

        public override string ToString() =>
            index < 0 ? (key is null ? root : $"{root}.{key}") : key is null ? $"{root}[{index}]" : $"{root}[{index}].{key}";

        public static implicit operator Field(string root) => new(root);

        public static implicit operator string(Field field) => field.ToString();
    }

    /// <summary>Keys the formats define, matched on the raw bytes so reading them allocates nothing.</summary>
    private static readonly string[] KnownKeys =
    [
        "messages", "interactions", "conversations", "text", "content", "system_prompt", "system", "tools", "available_tools",
        "tags", "metadata", "role", "tool_calls", "tool_call_id", "name", "weight", "id", "type", "function", "arguments",
        "from", "value", "description", "parameters", "functions", "function_call",
    ];

    private static readonly byte[][] KnownKeyBytes = KnownKeys.Select(Encoding.UTF8.GetBytes).ToArray();

    /// <summary>The current property name: a shared string for a known key, a new one otherwise.</summary>
    private static string KeyOf(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            var span = reader.ValueSpan;
            for (int i = 0; i < KnownKeyBytes.Length; i++)
            {
                if (span.SequenceEqual(KnownKeyBytes[i]))
                {
                    return KnownKeys[i];
                }
            }
        }
        return reader.GetString()!;
    }

    private static MessageRole? RoleOf(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped)
        {
            return ParseRole(reader.GetString()!);
        }
        var span = reader.ValueSpan;
        return span.SequenceEqual("user"u8) ? MessageRole.User
            : span.SequenceEqual("assistant"u8) ? MessageRole.Assistant
            : span.SequenceEqual("system"u8) ? MessageRole.System
            : span.SequenceEqual("tool"u8) ? MessageRole.Tool
            : null;
    }

    /// <summary>The keys of one object. Most objects have a handful of known keys: one small list, compared by reference first.</summary>
    private struct KeySet
    {
        private string? _a, _b, _c, _d;
        private List<string>? _more;

        public bool Add(string key)
        {
            if (Same(_a, key) || Same(_b, key) || Same(_c, key) || Same(_d, key) || (_more?.Contains(key) ?? false))
            {
                return false;
            }
            if (_a is null)
            {
                _a = key;
            }
            else if (_b is null)
            {
                _b = key;
            }
            else if (_c is null)
            {
                _c = key;
            }
            else if (_d is null)
            {
                _d = key;
            }
            else
            {
                (_more ??= []).Add(key);
            }
            return true;
        }

        private static bool Same(string? a, string b) => a is not null && (ReferenceEquals(a, b) || string.Equals(a, b, StringComparison.Ordinal));
    }
}
