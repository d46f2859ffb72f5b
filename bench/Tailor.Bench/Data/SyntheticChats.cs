using System.Text;
using System.Text.Json;

namespace Tailor.Bench.Data;

/// <summary>
/// Generated chat examples that look like support traffic: a system prompt, 1-3 user/assistant turns
/// of 20-80 words from a 20k-word vocabulary, tags. Seeded, so every run measures the same bytes.
/// With <c>duplicates</c>, one line in 20 repeats an earlier line exactly and one in 20 repeats an
/// earlier line with one word changed (a near duplicate), so dedup has clusters to build.
/// </summary>
public static class SyntheticChats
{
    public static IEnumerable<string> Lines(int count, int seed = 42, bool duplicates = false)
    {
        var recent = new List<(List<object> Messages, string Tag)>();
        var random = new Random(seed);
        var vocabulary = Enumerable.Range(0, 20_000).Select(_ => Word(random)).ToArray();
        string[] tags = ["answer-billing", "troubleshoot", "escalate", "protect-pii"];
        string Sentence(int words) => string.Join(' ', Enumerable.Range(0, words).Select(_ => vocabulary[random.Next(vocabulary.Length)]));
        for (int i = 0; i < count; i++)
        {
            if (duplicates && recent.Count > 100 && i % 20 == 0)
            {
                var (earlier, earlierTag) = recent[random.Next(recent.Count)];
                yield return JsonSerializer.Serialize(new { messages = earlier, tags = new[] { earlierTag } });
                continue;
            }
            if (duplicates && recent.Count > 100 && i % 20 == 10)
            {
                var (earlier, earlierTag) = recent[random.Next(recent.Count)];
                var copy = earlier.ToList();
                copy[^1] = new { role = "assistant", content = Sentence(1) + " " + ((dynamic)earlier[^1]).content };
                yield return JsonSerializer.Serialize(new { messages = copy, tags = new[] { earlierTag } });
                continue;
            }
            var messages = new List<object> { new { role = "system", content = "You are Acme Cloud's support assistant. Be brief and accurate." } };
            int turns = random.Next(1, 4);
            for (int t = 0; t < turns; t++)
            {
                messages.Add(new { role = "user", content = Sentence(random.Next(10, 30)) + "?" });
                messages.Add(new { role = "assistant", content = Sentence(random.Next(20, 60)) + "." });
            }
            string tag = tags[random.Next(tags.Length)];
            if (duplicates)
            {
                if (recent.Count == 1000)
                {
                    recent[random.Next(recent.Count)] = (messages, tag);
                }
                else
                {
                    recent.Add((messages, tag));
                }
            }
            yield return JsonSerializer.Serialize(new { messages, tags = new[] { tag } });
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
