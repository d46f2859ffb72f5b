namespace Tailor.Data.Formats;

/// <summary>
/// OpenAI's deprecated function-calling format has no call ids: an assistant's <c>function_call</c>
/// is answered by the next <c>function</c> message. This gives each such call a 9-character id (valid
/// for Mistral too, derived from its position so a rerun gives the same ids) and puts the same id on
/// the message that answers it, as mistral-finetune's <c>reformat_data.py</c> does.
/// </summary>
internal static class LegacyFunctions
{
    public static List<ConversationMessage> Link(List<ConversationMessage> messages)
    {
        var pending = new Queue<(string Id, string Name)>();
        int counter = 0;
        for (int i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            if (message.ToolCalls.Any(c => c.Id is null))
            {
                var calls = message.ToolCalls.Select(c =>
                {
                    if (c.Id is not null)
                    {
                        return c;
                    }
                    var withId = c with { Id = $"call{counter++:D5}" };
                    pending.Enqueue((withId.Id!, withId.Name));
                    return withId;
                }).ToList();
                messages[i] = message with { ToolCalls = calls };
            }
            else if (message.Role == MessageRole.Tool && message.ToolCallId is null && pending.Count > 0)
            {
                messages[i] = message with { ToolCallId = pending.Dequeue().Id };
            }
        }
        return messages;
    }
}
