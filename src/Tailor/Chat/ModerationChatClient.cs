using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;
using Tailor.Moderation;
using Tailor.Spec;

namespace Tailor.Chat;

/// <summary>
/// Guards a model with the moderation layer. On input, the new user messages are checked before the model sees them:
/// <c>block</c> answers with the policy's refusal and <see cref="ChatFinishReason.ContentFilter"/> without calling the
/// model; <c>redact</c> sends the model the text with the offending spans replaced. On output, the answer is checked
/// before the caller sees it; a streamed answer is released only after a check has seen <see cref="Lookahead"/>
/// characters past it, so a blocked continuation never reaches the caller beyond what was already checked clean.
/// Verdicts go into the request's <see cref="InteractionContext.Metadata"/> (under <see cref="InputVerdictKey"/> and
/// <see cref="OutputVerdictKey"/>, recorded in the form of <see cref="ModerationVerdict.WriteTo"/>) and into the
/// response's <c>AdditionalProperties</c> (as <see cref="ModerationVerdict"/>).
/// </summary>
/// <remarks>
/// Thread-safe; configure the properties before the first request. The caller's messages and options are never
/// modified. Tool calls and non-text content pass through unchecked.
/// </remarks>
public sealed class ModerationChatClient : DelegatingChatClient
{
    /// <summary>Key of the input verdict in <see cref="InteractionContext.Metadata"/> and in response properties.</summary>
    public const string InputVerdictKey = "moderation.input";

    /// <summary>Key of the output verdict in <see cref="InteractionContext.Metadata"/> and in response properties.</summary>
    public const string OutputVerdictKey = "moderation.output";

    public ModerationChatClient(IChatClient innerClient, Moderator moderator)
        : base(innerClient)
    {
        Moderator = moderator ?? throw new ArgumentNullException(nameof(moderator));
    }

    public Moderator Moderator { get; }

    /// <summary>The route (model alias) whose overrides apply when the request's <see cref="InteractionContext"/> names none.</summary>
    public string? Route { get; set; }

    /// <summary>Characters of a streamed answer held back until a check has seen past them.</summary>
    public int Lookahead { get; set; } = 160;

    /// <summary>Characters of new streamed text between two checks.</summary>
    public int CheckEvery { get; set; } = 80;

    /// <summary>
    /// Characters of already released text a check reads again before the held-back part, so a span that began before
    /// the release point (an address, a key) is still seen whole. A check reads this plus the held-back text, not the
    /// whole answer so far (that made a long answer cost quadratic time); the last check reads the whole answer.
    /// </summary>
    public int CheckContext { get; set; } = 200;

    public ModerationInputScope InputScope { get; set; } = ModerationInputScope.LatestTurn;

    /// <summary>Whether the recording layer logs a redacted input as the model saw it rather than as the caller sent it.</summary>
    public bool LogRedactedInput { get; set; }

    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var context = InteractionContext.Get(options);
        string? route = context?.Route ?? Route;
        var request = messages.ToList();
        var (toModel, inputVerdict) = await ModerateInputAsync(request, route, context, cancellationToken).ConfigureAwait(false);
        if (inputVerdict?.Action == PolicyAction.Block)
        {
            var refusal = new ChatResponse(new ChatMessage(ChatRole.Assistant, inputVerdict.Refusal))
            {
                FinishReason = ChatFinishReason.ContentFilter,
                CreatedAt = TimeProvider.GetUtcNow(),
                ModelId = options?.ModelId,
            };
            Attach(refusal.AdditionalProperties ??= [], InputVerdictKey, inputVerdict);
            return refusal;
        }

        var response = await base.GetResponseAsync(toModel, options, cancellationToken).ConfigureAwait(false);
        if (inputVerdict is not null)
        {
            Attach(response.AdditionalProperties ??= [], InputVerdictKey, inputVerdict);
        }
        if (!Moderator.Policy.IsEnabled(ModerationDirection.Output, route))
        {
            return response;
        }

        string answer = string.Concat(response.Messages.Where(m => m.Role == ChatRole.Assistant).Select(m => m.Text));
        if (answer.Length == 0)
        {
            return response;
        }
        var verdict = await Moderator.ModerateAsync(new ModerationRequest(answer, ModerationDirection.Output, request), route, cancellationToken).ConfigureAwait(false);
        Record(context, OutputVerdictKey, verdict);
        Attach(response.AdditionalProperties ??= [], OutputVerdictKey, verdict);
        switch (verdict.Action)
        {
            case PolicyAction.Block:
                response.Messages = [new ChatMessage(ChatRole.Assistant, verdict.Refusal)];
                response.FinishReason = ChatFinishReason.ContentFilter;
                break;
            case PolicyAction.Redact:
                response.Messages = ReplaceAssistantText(response.Messages, verdict.Redact(answer));
                break;
        }
        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var context = InteractionContext.Get(options);
        string? route = context?.Route ?? Route;
        var request = messages.ToList();
        var (toModel, inputVerdict) = await ModerateInputAsync(request, route, context, cancellationToken).ConfigureAwait(false);
        if (inputVerdict?.Action == PolicyAction.Block)
        {
            var refusal = new ChatResponseUpdate(ChatRole.Assistant, inputVerdict.Refusal)
            {
                FinishReason = ChatFinishReason.ContentFilter,
                CreatedAt = TimeProvider.GetUtcNow(),
                ModelId = options?.ModelId,
            };
            Attach(refusal.AdditionalProperties ??= [], InputVerdictKey, inputVerdict);
            yield return refusal;
            yield break;
        }

        if (!Moderator.Policy.IsEnabled(ModerationDirection.Output, route))
        {
            bool first = true;
            await foreach (var update in base.GetStreamingResponseAsync(toModel, options, cancellationToken).ConfigureAwait(false))
            {
                if (first && inputVerdict is not null)
                {
                    Attach(update.AdditionalProperties ??= [], InputVerdictKey, inputVerdict);
                }
                first = false;
                yield return update;
            }
            yield break;
        }

        var buffer = new StreamBuffer(this, request, route, Math.Max(0, Lookahead), Math.Max(1, CheckEvery), Math.Max(0, CheckContext));
        ChatResponseUpdate? last = null;
        ChatFinishReason? finish = null;
        await using (var updates = base.GetStreamingResponseAsync(toModel, options, cancellationToken).GetAsyncEnumerator(cancellationToken))
        {
            while (await updates.MoveNextAsync().ConfigureAwait(false))
            {
                var update = updates.Current;
                last = update;
                finish = update.FinishReason ?? finish;
                string text = update.Text;
                if (HasOtherContent(update))
                {
                    // Tool calls, usage and other content go on at once; only text waits for its check.
                    yield return WithoutText(update);
                }
                if (text.Length == 0)
                {
                    continue;
                }
                buffer.Append(text);
                if (buffer.DueForCheck)
                {
                    var released = await buffer.CheckAsync(final: false, cancellationToken).ConfigureAwait(false);
                    if (released.Length > 0)
                    {
                        yield return TextUpdate(update, released);
                    }
                    if (buffer.Blocked)
                    {
                        break; // leaving the loop disposes the inner stream: the model stops generating
                    }
                }
            }
        }

        string rest = buffer.Blocked ? "" : await buffer.CheckAsync(final: true, cancellationToken).ConfigureAwait(false);
        var verdict = buffer.Verdict;
        var closing = TextUpdate(last, buffer.Blocked ? buffer.RefusalText : rest);
        closing.FinishReason = buffer.Blocked ? ChatFinishReason.ContentFilter : finish;
        closing.AdditionalProperties ??= [];
        if (inputVerdict is not null)
        {
            Attach(closing.AdditionalProperties, InputVerdictKey, inputVerdict);
        }
        if (verdict is not null)
        {
            Record(context, OutputVerdictKey, verdict);
            Attach(closing.AdditionalProperties, OutputVerdictKey, verdict);
        }
        yield return closing;
    }

    private async Task<(List<ChatMessage> ToModel, ModerationVerdict? Verdict)> ModerateInputAsync(
        List<ChatMessage> messages, string? route, InteractionContext? context, CancellationToken cancellationToken)
    {
        if (!Moderator.Policy.IsEnabled(ModerationDirection.Input, route))
        {
            return (messages, null);
        }

        int firstChecked = InputScope == ModerationInputScope.AllUserMessages ? 0 : messages.FindLastIndex(m => m.Role == ChatRole.Assistant) + 1;
        var segments = new List<(int Index, int Start, int Length)>();
        int joinedLength = 0;
        for (int i = firstChecked; i < messages.Count; i++)
        {
            if (messages[i].Role != ChatRole.User || messages[i].Text is not { Length: > 0 } text)
            {
                continue;
            }
            if (segments.Count > 0)
            {
                joinedLength += 2; // "\n\n" between messages
            }
            segments.Add((i, joinedLength, text.Length));
            joinedLength += text.Length;
        }
        if (segments.Count == 0)
        {
            return (messages, null);
        }

        // The usual request adds one user message: its text is checked as it is, without a copy.
        string checkedText = segments.Count == 1 ? messages[segments[0].Index].Text : string.Join("\n\n", segments.Select(s => messages[s.Index].Text));
        IReadOnlyList<ChatMessage> before = segments[0].Index == 0 ? Array.Empty<ChatMessage>() : messages.GetRange(0, segments[0].Index);
        var verdict = await Moderator.ModerateAsync(
            new ModerationRequest(checkedText, ModerationDirection.Input, before), route, cancellationToken).ConfigureAwait(false);
        Record(context, InputVerdictKey, verdict);
        if (verdict.Action != PolicyAction.Redact)
        {
            return (messages, verdict);
        }

        var redacted = new List<ChatMessage>(messages);
        foreach (var (index, start, length) in segments)
        {
            var spans = verdict.Redactions
                .Where(s => s.Start < start + length && s.Start + s.Length > start)
                .Select(s => s with { Start = s.Start - start })
                .ToList();
            if (spans.Count > 0)
            {
                redacted[index] = WithText(messages[index], Redactor.Apply(messages[index].Text, spans));
            }
        }
        if (LogRedactedInput && context is not null)
        {
            context.LoggedRequest = redacted;
        }
        return (redacted, verdict);
    }

    private static void Record(InteractionContext? context, string key, ModerationVerdict verdict)
    {
        if (context is not null)
        {
            // The verdict itself: the recording layer writes its JSON form once, straight into the record.
            context.Metadata[key] = verdict;
        }
    }

    private static void Attach(AdditionalPropertiesDictionary properties, string key, ModerationVerdict verdict) => properties[key] = verdict;

    private static ChatMessage WithText(ChatMessage message, string text)
    {
        var copy = message.Clone();
        int at = copy.Contents.ToList().FindIndex(c => c is TextContent);
        var others = copy.Contents.Where(c => c is not TextContent).ToList();
        others.Insert(Math.Max(0, Math.Min(at, others.Count)), new TextContent(text));
        copy.Contents = others;
        return copy;
    }

    private static List<ChatMessage> ReplaceAssistantText(IList<ChatMessage> messages, string text)
    {
        var result = new List<ChatMessage>();
        bool placed = false;
        foreach (var message in messages)
        {
            if (message.Role != ChatRole.Assistant || !message.Contents.Any(c => c is TextContent))
            {
                result.Add(message);
                continue;
            }
            if (!placed)
            {
                result.Add(WithText(message, text));
                placed = true;
            }
            else
            {
                var copy = message.Clone();
                copy.Contents = copy.Contents.Where(c => c is not TextContent).ToList();
                result.Add(copy);
            }
        }
        return result;
    }

    private static bool HasOtherContent(ChatResponseUpdate update) => update.Contents.Any(c => c is not TextContent);

    private static ChatResponseUpdate WithoutText(ChatResponseUpdate update)
    {
        var copy = update.Clone();
        copy.Contents = update.Contents.Where(c => c is not TextContent).ToList();
        copy.FinishReason = null; // the finish comes with the last released text
        return copy;
    }

    private static ChatResponseUpdate TextUpdate(ChatResponseUpdate? like, string text) => new(ChatRole.Assistant, text)
    {
        ResponseId = like?.ResponseId,
        MessageId = like?.MessageId,
        ConversationId = like?.ConversationId,
        ModelId = like?.ModelId,
        CreatedAt = like?.CreatedAt,
    };

    /// <summary>The look-ahead buffer of one streamed answer.</summary>
    private sealed class StreamBuffer(ModerationChatClient owner, List<ChatMessage> conversation, string? route, int lookahead, int checkEvery, int context)
    {
        private readonly StringBuilder _raw = new();
        private int _released;
        private int _checkedAt;

        public ModerationVerdict? Verdict { get; private set; }
        public bool Blocked => Verdict?.Action == PolicyAction.Block;

        /// <summary>The refusal, after a line break when part of the answer was already shown.</summary>
        public string RefusalText => (_released > 0 ? "\n\n" : "") + Verdict?.Refusal;

        public bool DueForCheck => _raw.Length - _checkedAt >= checkEvery;

        public void Append(string text) => _raw.Append(text);

        /// <summary>
        /// Checks the held-back text with <c>context</c> characters before it (the whole answer when <paramref name="final"/>)
        /// and returns the text that may now be shown (redacted where needed).
        /// </summary>
        public async Task<string> CheckAsync(bool final, CancellationToken cancellationToken)
        {
            int length = _raw.Length;
            _checkedAt = length;
            if (length == 0)
            {
                return "";
            }
            // Only the window is copied out of the buffer: copying the whole answer at every check was quadratic too.
            int from = final ? 0 : Math.Max(0, _released - context);
            string window = _raw.ToString(from, length - from);
            var verdict = await owner.Moderator.ModerateAsync(
                new ModerationRequest(window, ModerationDirection.Output, conversation), route, cancellationToken).ConfigureAwait(false);
            Verdict = from == 0 ? verdict : verdict with { Redactions = [.. verdict.Redactions.Select(r => r with { Start = r.Start + from })] };
            if (Blocked)
            {
                return "";
            }

            int boundary = final ? length : Math.Max(_released, length - lookahead);
            var spans = Verdict.Action == PolicyAction.Redact ? Verdict.Redactions : [];
            foreach (var span in spans)
            {
                // Never cut through a span: a span that reaches past the boundary may still be growing.
                if (span.Start < boundary && span.Start + span.Length > boundary && !final)
                {
                    boundary = Math.Max(_released, span.Start);
                }
            }

            var output = new StringBuilder();
            int at = _released;
            foreach (var span in spans)
            {
                int start = Math.Max(span.Start, _released);
                int end = Math.Min(span.Start + span.Length, boundary);
                if (end <= start || start < at)
                {
                    continue;
                }
                output.Append(window, at - from, start - at).Append(Redactor.Placeholder(span));
                at = end;
            }
            if (boundary > at)
            {
                output.Append(window, at - from, boundary - at);
            }
            _released = Math.Max(_released, boundary);
            return output.ToString();
        }
    }
}
