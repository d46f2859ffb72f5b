using System.Text;
using System.Text.Json;

namespace Tailor.Bench.Data;

/// <summary>
/// Generated chat examples that look like support traffic: a system prompt, 1-3 user/assistant turns
/// of 20-80 words from a 20k-word vocabulary, tags. Seeded, so every run measures the same bytes.
/// </summary>
public static class SyntheticChats
{
    public static IEnumerable<string> Lines(int count, int seed = 42)
    {
        var random = new Random(seed);
        var vocabulary = Enumerable.Range(0, 20_000).Select(_ => Word(random)).ToArray();
        string[] tags = ["answer-billing", "troubleshoot", "escalate", "protect-pii"];
        string Sentence(int words) => string.Join(' ', Enumerable.Range(0, words).Select(_ => vocabulary[random.Next(vocabulary.Length)]));
        for (int i = 0; i < count; i++)
        {
            var messages = new List<object> { new { role = "system", content = "You are Acme Cloud's support assistant. Be brief and accurate." } };
            int turns = random.Next(1, 4);
            for (int t = 0; t < turns; t++)
            {
                messages.Add(new { role = "user", content = Sentence(random.Next(10, 30)) + "?" });
                messages.Add(new { role = "assistant", content = Sentence(random.Next(20, 60)) + "." });
            }
            yield return JsonSerializer.Serialize(new { messages, tags = new[] { tags[random.Next(tags.Length)] } });
        }
    }

    public static byte[] File(int count, int seed = 42) => Encoding.UTF8.GetBytes(string.Join('\n', Lines(count, seed)) + "\n");

    private static string Word(Random random)
    {
        var word = new StringBuilder();
        int length = random.Next(2, 10);
        for (int i = 0; i < length; i++)
        {
            word.Append((char)('a' + random.Next(26)));
        }
        return word.ToString();
    }
}
