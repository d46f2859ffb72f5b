using System.Text;
using Tailor.Data.Validation;

namespace Tailor.Tests.Data;

/// <summary>
/// Mutated lines (flipped, dropped, inserted and duplicated bytes, truncation, BOMs, NULs, deep
/// nesting, NaN, wrong types): the validator never throws and each line is either accepted with no
/// error or rejected with at least one reason; splitting keeps every line.
/// </summary>
public sealed class ValidatorFuzzTests
{
    private static readonly string[] Seeds =
    [
        """{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}""",
        """{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Où est la gare ?"},{"role":"assistant","content":"À gauche.","weight":1}],"tags":["answer-billing"]}""",
        """{"messages":[{"role":"user","content":"Weather?"},{"role":"assistant","tool_calls":[{"id":"abcDEF123","type":"function","function":{"name":"get_weather","arguments":"{\"city\": \"Paris\"}"}}]},{"role":"tool","tool_call_id":"abcDEF123","content":"18C"},{"role":"assistant","content":"18 degrees."}],"tools":[{"type":"function","function":{"name":"get_weather","description":"Weather","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}]}""",
        """{"text":"Plain pretraining text with emoji 🎉 and CJK 漢字."}""",
        """{"conversations":[{"from":"human","value":"Hi"},{"from":"gpt","value":"Hello"}],"id":"x1"}""",
        """{"interactions":[{"role":"user","text":"Hi"},{"role":"assistant","text":"Hey"}],"system_prompt":"Kind.","metadata":{"tags":["escalate"],"rating":5}}""",
    ];

    private static readonly byte[][] Inserts =
    [
        "\""u8.ToArray(), "{"u8.ToArray(), "}"u8.ToArray(), "["u8.ToArray(), "]"u8.ToArray(), ","u8.ToArray(), ":"u8.ToArray(),
        [0x00], [0xFF], [0xC3], [0xEF, 0xBB, 0xBF], "\\"u8.ToArray(), "\\u"u8.ToArray(), "NaN"u8.ToArray(), "Infinity"u8.ToArray(),
        "null"u8.ToArray(), "1e999"u8.ToArray(), "\r"u8.ToArray(), "\t"u8.ToArray(), "'"u8.ToArray(), "//"u8.ToArray(),
        "\"role\":\"tool\""u8.ToArray(), "\"weight\":2"u8.ToArray(), "\"content\":[]"u8.ToArray(), "\"messages\":7"u8.ToArray(),
    ];

    [Fact]
    public async Task Ten_thousand_mutated_lines_are_each_accepted_or_rejected_with_a_reason()
    {
        var random = new Random(20261127);
        var lines = new List<byte[]>();
        for (int i = 0; i < 12_000; i++)
        {
            lines.Add(Mutate(Encoding.UTF8.GetBytes(Seeds[random.Next(Seeds.Length)]), random));
        }
        lines.Add(Encoding.UTF8.GetBytes(new string('[', 10_000) + new string(']', 10_000)));
        lines.Add(Encoding.UTF8.GetBytes("{\"messages\":" + new string('[', 5_000)));
        byte[] file = [.. lines.SelectMany(l => l.Append((byte)'\n'))];

        var validator = new DatasetValidator();
        int accepted = 0, rejected = 0;
        using var valid = new MemoryStream();
        using var bad = new MemoryStream();
        using var reasons = new MemoryStream();
        await using (var writer = new RejectedLinesWriter(valid, bad, reasons, new MemoryStream(file)))
        {
            await foreach (var verdict in validator.ValidateAsync(new MemoryStream(file), "fuzz.jsonl", TestContext.Current.CancellationToken))
            {
                if (verdict.IsValid)
                {
                    Assert.NotNull(verdict.Conversation);
                    accepted++;
                }
                else
                {
                    Assert.Contains(verdict.Issues, i => i.Severity == IssueSeverity.Error && i.Message.Length > 0 && i.Hint.Length > 0);
                    rejected++;
                }
                await writer.WriteAsync(verdict, TestContext.Current.CancellationToken);
            }
        }

        Assert.Equal(lines.Count, accepted + rejected);
        Assert.True(accepted > 500 && rejected > 5_000, $"accepted {accepted}, rejected {rejected}: the mutations should produce both");
        // Every input line is in exactly one output, byte for byte.
        var inputs = lines.Select(Convert.ToBase64String).Order(StringComparer.Ordinal).ToList();
        var outputs = SplitLines(valid.ToArray()).Concat(SplitLines(bad.ToArray())).Select(Convert.ToBase64String).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(inputs, outputs);
        Assert.Equal(rejected, SplitLines(reasons.ToArray()).Count);
    }

    private static byte[] Mutate(byte[] line, Random random)
    {
        var bytes = new List<byte>(line);
        int mutations = random.Next(0, 4);
        for (int m = 0; m < mutations; m++)
        {
            int at = random.Next(bytes.Count + 1);
            switch (random.Next(7))
            {
                case 0 when at < bytes.Count:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 1 when at < bytes.Count:
                    bytes.RemoveAt(at);
                    break;
                case 2:
                    bytes.InsertRange(at, Inserts[random.Next(Inserts.Length)]);
                    break;
                case 3:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 4 when at < bytes.Count:
                    int length = Math.Min(random.Next(1, 40), bytes.Count - at);
                    bytes.InsertRange(at, bytes.GetRange(at, length));
                    break;
                case 5:
                    bytes.InsertRange(0, new byte[] { 0xEF, 0xBB, 0xBF });
                    break;
                case 6 when bytes.Count > 0:
                    int a = random.Next(bytes.Count), b = random.Next(bytes.Count);
                    (bytes[a], bytes[b]) = (bytes[b], bytes[a]);
                    break;
                default:
                    break;
            }
        }
        bytes.RemoveAll(b => b == (byte)'\n');
        return [.. bytes];
    }

    private static List<byte[]> SplitLines(byte[] data)
    {
        var lines = new List<byte[]>();
        int start = 0;
        for (int i = 0; i < data.Length; i++)
        {
            if (data[i] == (byte)'\n')
            {
                lines.Add(data[start..i]);
                start = i + 1;
            }
        }
        return lines;
    }
}
