using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Tailor.Providers.OpenAI.Wire;

namespace Tailor.Providers.OpenAI.Mapping;

/// <summary>
/// Requests between MEAI (<see cref="ChatMessage"/> + <see cref="ChatOptions"/>) and the wire
/// (<see cref="ChatCompletionRequest"/>), in both directions: clients build requests, the gateway reads them.
/// </summary>
/// <remarks>
/// Stateless and thread-safe. Neither direction mutates its inputs. Vendor dialects are applied afterwards by
/// <see cref="ChatCompletionsDialect"/>; this mapping speaks plain OpenAI.
/// </remarks>
public static class OpenAIRequestMapping
{
    /// <summary>Builds the wire request for <paramref name="messages"/> with <paramref name="options"/> (no streaming flags set).</summary>
    /// <exception cref="NotSupportedException">A message holds content the chat-completions format cannot carry (audio, files) or a tool that is not a function.</exception>
    public static ChatCompletionRequest ToChatCompletionRequest(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        ArgumentNullException.ThrowIfNull(messages);

        var request = new ChatCompletionRequest();

        if (!string.IsNullOrEmpty(options?.Instructions))
        {
            request.Messages.Add(new ChatCompletionMessage { Role = "system", Content = options.Instructions });
        }

        foreach (var message in messages)
        {
            AddMessage(request.Messages, message);
        }

        if (options is null)
        {
            return request;
        }

        request.Model = options.ModelId;
        request.Temperature = options.Temperature;
        request.TopP = options.TopP;
        request.MaxTokens = options.MaxOutputTokens;
        request.Seed = options.Seed;
        request.PresencePenalty = options.PresencePenalty;
        request.FrequencyPenalty = options.FrequencyPenalty;
        if (options.StopSequences is { Count: > 0 } stop)
        {
            request.Stop = [.. stop];
        }

        request.ResponseFormat = ToWire(options.ResponseFormat);

        if (options.Tools is { Count: > 0 } tools)
        {
            request.Tools = [.. tools.Select(ToWire)];
            request.ToolChoice = options.ToolMode switch
            {
                null => null,
                NoneChatToolMode => ToolChoice.None,
                AutoChatToolMode => ToolChoice.Auto,
                RequiredChatToolMode { RequiredFunctionName: { } name } => ToolChoice.ForFunction(name),
                RequiredChatToolMode => ToolChoice.Required,
                _ => null,
            };
            request.ParallelToolCalls = options.AllowMultipleToolCalls;
        }

        if (options.TopK is { } topK)
        {
            // Not an OpenAI member, but llama.cpp, vLLM and Ollama read it; sent as asked rather than dropped.
            SetExtra(request, "top_k", JsonSerializer.SerializeToElement(topK, OpenAIJsonContext.Default.Int32));
        }

        if (options.AdditionalProperties is { Count: > 0 } extras)
        {
            foreach (var (key, value) in extras)
            {
                // tailor.* entries are how our own middleware talk to each other (the interaction context, a prompt
                // override); they carry key ids and prompts and must never reach a vendor.
                if (!key.StartsWith("tailor.", StringComparison.Ordinal))
                {
                    SetExtra(request, key, ToJsonElement(value));
                }
            }
        }

        return request;
    }

    /// <summary>Reads the conversation of a wire request (server side).</summary>
    public static List<ChatMessage> ToChatMessages(ChatCompletionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);

        var messages = new List<ChatMessage>(request.Messages.Count);
        foreach (var wire in request.Messages)
        {
            var role = new ChatRole(wire.Role ?? "user");
            var contents = new List<AIContent>();

            if (wire.ToolCallId is not null)
            {
                contents.Add(new FunctionResultContent(wire.ToolCallId, wire.Content?.GetText() ?? ""));
            }
            else if (wire.Content is { } content)
            {
                AddContents(contents, content);
            }

            foreach (var call in wire.ToolCalls ?? [])
            {
                contents.Add(ToolCallArguments.ToContent(call.Id ?? "", call.Function?.Name ?? "", call.Function?.Arguments));
            }

            messages.Add(new ChatMessage(role, contents) { AuthorName = wire.Name, RawRepresentation = wire });
        }

        return messages;
    }

    /// <summary>Reads the generation options of a wire request (server side). Unknown members land in <see cref="ChatOptions.AdditionalProperties"/>.</summary>
    public static ChatOptions ToChatOptions(ChatCompletionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);

        var options = new ChatOptions
        {
            ModelId = request.Model,
            Temperature = request.Temperature,
            TopP = request.TopP,
            MaxOutputTokens = request.MaxCompletionTokens ?? request.MaxTokens,
            Seed = request.Seed,
            PresencePenalty = request.PresencePenalty,
            FrequencyPenalty = request.FrequencyPenalty,
            StopSequences = request.Stop is { Count: > 0 } stop ? [.. stop] : null,
            AllowMultipleToolCalls = request.ParallelToolCalls,
        };

        options.ResponseFormat = request.ResponseFormat?.Type switch
        {
            "text" => ChatResponseFormat.Text,
            "json_object" => ChatResponseFormat.Json,
            "json_schema" => ChatResponseFormat.ForJsonSchema(
                request.ResponseFormat.JsonSchema?.Schema ?? JsonDocument.Parse("{}").RootElement,
                request.ResponseFormat.JsonSchema?.Name,
                request.ResponseFormat.JsonSchema?.Description),
            _ => null,
        };

        if (request.Tools is { Count: > 0 } tools)
        {
            options.Tools = [.. tools.Where(tool => tool.Function is not null).Select(tool => (AITool)new WireFunctionDeclaration(tool.Function!))];
        }

        options.ToolMode = request.ToolChoice switch
        {
            null => null,
            { FunctionName: { } name } => ChatToolMode.RequireSpecific(name),
            { Mode: "none" } => ChatToolMode.None,
            { Mode: "required" or "any" } => ChatToolMode.RequireAny,
            _ => ChatToolMode.Auto,
        };

        if (request.AdditionalProperties is { Count: > 0 } extras)
        {
            options.AdditionalProperties = [];
            foreach (var (key, value) in extras)
            {
                options.AdditionalProperties[key] = value;
            }
        }

        if (request.User is not null)
        {
            (options.AdditionalProperties ??= [])["user"] = request.User;
        }

        if (request.N is { } n)
        {
            (options.AdditionalProperties ??= [])["n"] = n;
        }

        return options;
    }

    private static void AddMessage(List<ChatCompletionMessage> target, ChatMessage message)
    {
        var parts = new List<ContentPart>();
        var text = new StringBuilder();
        var hasNonTextPart = false;
        List<ChatCompletionToolCall>? toolCalls = null;

        foreach (var content in message.Contents)
        {
            switch (content)
            {
                case TextContent { Text: var value }:
                    text.Append(value);
                    parts.Add(ContentPart.ForText(value));
                    break;
                case DataContent data when data.HasTopLevelMediaType("image"):
                    parts.Add(ContentPart.ForImage(data.Uri));
                    hasNonTextPart = true;
                    break;
                case UriContent uri when uri.HasTopLevelMediaType("image"):
                    parts.Add(ContentPart.ForImage(uri.Uri.ToString()));
                    hasNonTextPart = true;
                    break;
                case DataContent data:
                    throw new NotSupportedException($"the chat-completions format has no part for '{data.MediaType}' content");
                case UriContent uri:
                    throw new NotSupportedException($"the chat-completions format has no part for '{uri.MediaType}' content");
                case FunctionCallContent call:
                    (toolCalls ??= []).Add(new ChatCompletionToolCall
                    {
                        Id = call.CallId,
                        Type = "function",
                        Function = new FunctionCall { Name = call.Name, Arguments = ToolCallArguments.Serialize(call.Arguments) },
                    });
                    break;
                case FunctionResultContent result:
                    // Each result is its own role:tool message on the wire, whatever MEAI message carried it.
                    target.Add(new ChatCompletionMessage { Role = "tool", ToolCallId = result.CallId, Content = ResultText(result) });
                    break;
                default:
                    // Usage, reasoning and error contents describe a past answer; they are not model input.
                    break;
            }
        }

        var hasText = parts.Count > 0;
        if (!hasText && toolCalls is null && message.Contents.Any(content => content is FunctionResultContent))
        {
            return;
        }

        target.Add(new ChatCompletionMessage
        {
            Role = message.Role.Value,
            Name = message.AuthorName,
            ToolCalls = toolCalls,
            // An assistant turn that only calls tools has null content; any other turn needs some content.
            Content = hasNonTextPart ? MessageContent.FromParts(parts)
                : hasText ? MessageContent.FromText(text.ToString())
                : toolCalls is not null ? null
                : MessageContent.FromText(""),
        });
    }

    private static void AddContents(List<AIContent> target, MessageContent content)
    {
        if (content.Text is not null)
        {
            target.Add(new TextContent(content.Text));
            return;
        }

        foreach (var part in content.Parts!)
        {
            if (part.Text is not null)
            {
                target.Add(new TextContent(part.Text));
            }
            else if (part.ImageUrl is { Url: var url })
            {
                target.Add(url.StartsWith("data:", StringComparison.OrdinalIgnoreCase)
                    ? new DataContent(url)
                    : new UriContent(new Uri(url), "image/*"));
            }
        }
    }

    private static string ResultText(FunctionResultContent result) => result.Result switch
    {
        null => result.Exception?.Message ?? "",
        string text => text,
        JsonElement element => element.GetRawText(),
        var value => JsonSerializer.Serialize(value, ToolCallArguments.CompactOptions.GetTypeInfo(value.GetType())),
    };

    private static ResponseFormat? ToWire(ChatResponseFormat? format) => format switch
    {
        null => null,
        ChatResponseFormatText => new ResponseFormat { Type = "text" },
        ChatResponseFormatJson { Schema: null } => new ResponseFormat { Type = "json_object" },
        ChatResponseFormatJson json => new ResponseFormat
        {
            Type = "json_schema",
            JsonSchema = new JsonSchemaFormat { Name = json.SchemaName ?? "response", Description = json.SchemaDescription, Schema = json.Schema },
        },
        _ => null,
    };

    private static ChatCompletionTool ToWire(AITool tool) => tool switch
    {
        AIFunctionDeclaration function => new ChatCompletionTool
        {
            Function = new FunctionDefinition { Name = function.Name, Description = NullIfEmpty(function.Description), Parameters = function.JsonSchema },
        },
        _ => throw new NotSupportedException($"the chat-completions format only carries function tools, not '{tool.Name}' ({tool.GetType().Name})"),
    };

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static JsonElement ToJsonElement(object? value) => value switch
    {
        JsonElement element => element,
        null => JsonDocument.Parse("null").RootElement,
        _ => JsonSerializer.SerializeToElement(value, AIJsonUtilities.DefaultOptions.GetTypeInfo(value.GetType())),
    };

    private static void SetExtra(ChatCompletionRequest request, string key, JsonElement value) =>
        (request.AdditionalProperties ??= [])[key] = value;

    /// <summary>A function tool read from a request: the gateway forwards its schema, it cannot invoke it.</summary>
    private sealed class WireFunctionDeclaration(FunctionDefinition definition) : AIFunctionDeclaration
    {
        public override string Name => definition.Name;

        public override string Description => definition.Description ?? "";

        public override JsonElement JsonSchema => definition.Parameters ?? EmptySchema;

        private static readonly JsonElement EmptySchema = JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement;
    }
}
