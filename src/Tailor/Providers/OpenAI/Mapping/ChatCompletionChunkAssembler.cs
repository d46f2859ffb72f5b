using System.Globalization;
using System.Text;
using Microsoft.Extensions.AI;
using Tailor.Providers.OpenAI.Wire;

namespace Tailor.Providers.OpenAI.Mapping;

/// <summary>
/// Turns the chunks of one streamed answer into <see cref="ChatResponseUpdate"/>s: text as it comes, tool calls
/// assembled from their partial deltas and released with the choice's finish reason (or at the end), usage as
/// <see cref="UsageContent"/>. Every update carries the same <see cref="ChatResponseUpdate.ResponseId"/> and, per
/// choice, the same <see cref="ChatResponseUpdate.MessageId"/>, so <c>ToChatResponse()</c> folds them into one message.
/// </summary>
/// <remarks>One instance per stream; not thread-safe.</remarks>
public sealed class ChatCompletionChunkAssembler
{
    private readonly SortedDictionary<(int Choice, int Call), PendingToolCall> _pendingCalls = [];
    private readonly Func<string> _newId;
    private string? _responseId;
    private string? _modelId;
    private DateTimeOffset? _createdAt;
    private ChatRole _role = ChatRole.Assistant;

    /// <param name="newId">Makes an id when the server sends none (a response id, or a tool-call id).</param>
    public ChatCompletionChunkAssembler(Func<string>? newId = null)
    {
        _newId = newId ?? (() => Guid.NewGuid().ToString("N"));
    }

    /// <summary>True once any choice reported a finish reason: the answer is complete even if the stream ends without <c>[DONE]</c>.</summary>
    public bool HasFinished { get; private set; }

    /// <summary>Number of updates produced so far.</summary>
    public int UpdateCount { get; private set; }

    /// <summary>Reads one chunk; returns the updates it makes (none for an empty delta).</summary>
    public IReadOnlyList<ChatResponseUpdate> Add(ChatCompletionChunk chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);

        // The first id wins: some servers vary it per chunk, but one response must keep one id.
        _responseId ??= string.IsNullOrEmpty(chunk.Id) ? "chatcmpl-" + _newId() : chunk.Id;
        _modelId = chunk.Model ?? _modelId;
        _createdAt = OpenAIResponseMapping.ToCreatedAt(chunk.Created) ?? _createdAt;

        var updates = new List<ChatResponseUpdate>();
        foreach (var choice in chunk.Choices)
        {
            var delta = choice.Delta ?? new ChatCompletionMessage();
            if (delta.Role is { Length: > 0 } role)
            {
                _role = new ChatRole(role);
            }

            var contents = new List<AIContent>();
            var text = delta.Content?.GetText();
            if (!string.IsNullOrEmpty(text))
            {
                contents.Add(new TextContent(text));
            }

            foreach (var fragment in delta.ToolCalls ?? [])
            {
                Accumulate(choice.Index, fragment);
            }

            var finish = FinishReasonMapping.FromWire(choice.FinishReason);
            if (finish is not null)
            {
                HasFinished = true;
                ReleaseToolCalls(contents, choice.Index);
            }

            if (contents.Count > 0 || finish is not null || delta.Role is not null)
            {
                updates.Add(NewUpdate(choice.Index, contents, finish, chunk));
            }
        }

        if (chunk.Usage is { } usage)
        {
            updates.Add(NewUpdate(0, [new UsageContent(UsageMapping.FromWire(usage))], null, chunk));
        }

        UpdateCount += updates.Count;
        return updates;
    }

    /// <summary>Ends the stream: releases tool calls whose choice never reported a finish reason.</summary>
    public IReadOnlyList<ChatResponseUpdate> Complete()
    {
        if (_pendingCalls.Count == 0)
        {
            return [];
        }

        var updates = new List<ChatResponseUpdate>();
        foreach (var choice in _pendingCalls.Keys.Select(key => key.Choice).Distinct().ToList())
        {
            var contents = new List<AIContent>();
            ReleaseToolCalls(contents, choice);
            updates.Add(NewUpdate(choice, contents, null, null));
        }

        UpdateCount += updates.Count;
        return updates;
    }

    private void Accumulate(int choice, ChatCompletionToolCall fragment)
    {
        // Servers that send whole calls without an index still number them by position.
        var key = (choice, fragment.Index ?? _pendingCalls.Keys.Count(k => k.Choice == choice));
        if (!_pendingCalls.TryGetValue(key, out var pending))
        {
            pending = new PendingToolCall();
            _pendingCalls.Add(key, pending);
        }

        if (!string.IsNullOrEmpty(fragment.Id))
        {
            pending.Id ??= fragment.Id;
        }

        if (!string.IsNullOrEmpty(fragment.Function?.Name))
        {
            pending.Name ??= fragment.Function.Name;
        }

        pending.Arguments.Append(fragment.Function?.Arguments);
    }

    private void ReleaseToolCalls(List<AIContent> contents, int choice)
    {
        foreach (var key in _pendingCalls.Keys.Where(k => k.Choice == choice).ToList())
        {
            var pending = _pendingCalls[key];
            _pendingCalls.Remove(key);
            contents.Add(ToolCallArguments.ToContent(pending.Id ?? "call_" + _newId(), pending.Name ?? "", pending.Arguments.ToString()));
        }
    }

    private ChatResponseUpdate NewUpdate(int choice, IList<AIContent> contents, ChatFinishReason? finish, ChatCompletionChunk? raw) => new(_role, contents)
    {
        ResponseId = _responseId,
        MessageId = choice == 0 ? _responseId : string.Create(CultureInfo.InvariantCulture, $"{_responseId}-{choice}"),
        ModelId = _modelId,
        CreatedAt = _createdAt,
        FinishReason = finish,
        RawRepresentation = raw,
    };

    private sealed class PendingToolCall
    {
        public string? Id { get; set; }

        public string? Name { get; set; }

        public StringBuilder Arguments { get; } = new();
    }
}
