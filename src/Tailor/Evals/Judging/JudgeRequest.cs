using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Tailor.Spec;

namespace Tailor.Evals.Judging;

/// <summary>Builds the messages and options of one judge call from a template and its values.</summary>
internal static class JudgeRequest
{
    private static readonly JsonElement VerdictSchema = JsonDocument.Parse("""
        {"type":"object","properties":{"reason":{"type":"string"},"score":{"type":"integer","minimum":1,"maximum":5},
         "pass":{"type":"boolean"},"winner":{"type":"string","enum":["A","B","tie"]}},"required":["reason"],"additionalProperties":false}
        """).RootElement.Clone();

    /// <summary>Deterministic settings: temperature 0, bounded length, JSON out.</summary>
    public static ChatOptions Options() => new()
    {
        Temperature = 0,
        MaxOutputTokens = 800,
        ResponseFormat = ChatResponseFormat.ForJsonSchema(VerdictSchema, "verdict", "The judge's verdict"),
    };

    public static List<ChatMessage> Build(string system, string template, IReadOnlyDictionary<string, string> values)
    {
        PromptTemplate parsed = PromptTemplate.Parse(template);
        var filled = new Dictionary<string, string>(values, StringComparer.Ordinal);
        foreach (string name in parsed.Variables.Where(v => !filled.ContainsKey(v)))
        {
            filled[name] = "";
        }

        return [new ChatMessage(ChatRole.System, system), new ChatMessage(ChatRole.User, parsed.Render(filled))];
    }

    /// <summary>The conversation as the judge reads it: one "role: text" block per message.</summary>
    public static string Conversation(IEnumerable<ChatMessage> messages)
    {
        var text = new StringBuilder();
        foreach (ChatMessage m in messages.Where(m => m.Role != ChatRole.System))
        {
            text.Append(m.Role.Value).Append(": ").AppendLine(m.Text);
        }

        return text.ToString().TrimEnd();
    }
}
