using System.Text;
using System.Text.Json;
using Tailor.Data.Decontamination;

namespace Tailor.Tests.Data;

/// <summary>Training examples against eval cases: exact, 13-gram and MinHash matches, short cases, removal, held-out splits.</summary>
public sealed class DecontaminationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tailor-decon-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const string LongCase =
        "My invoice for March shows two charges for the same Team plan and I was only expecting one, can you explain why and refund the extra charge please";

    private string WriteSuite()
    {
        string path = Path.Combine(_dir, "smoke.yaml");
        File.WriteAllText(path, $"""
            id: smoke
            cases:
              - id: greeting
                input: Hello! Who are you?
              - id: double-charge
                input: {LongCase}
              - id: vpn
                messages:
                  - role: user
                    content: The VPN client disconnects every ten minutes on my laptop running the latest macOS release, what should I check first
            """);
        return path;
    }

    private static string Chat(string user, string assistant = "Sure, here is what to do.") =>
        JsonSerializer.Serialize(new { messages = new object[] { new { role = "user", content = user }, new { role = "assistant", content = assistant } } });

    [Fact]
    public async Task Each_overlap_is_found_with_its_eval_case_and_removed()
    {
        var cases = EvalTextReader.FromSuite(WriteSuite(), "evals/smoke.yaml");
        Assert.Equal(["smoke/greeting", "smoke/double-charge", "smoke/vpn"], cases.Select(c => c.Id));
        Assert.Equal("evals/smoke.yaml:5", cases[1].Origin);
        var index = ContaminationIndex.Build(cases);

        string[] lines =
        [
            Chat("How do I add a teammate?"),                                       // 1 clean
            Chat("hello, who are you"),                                             // 2 exact (case and punctuation ignored)
            Chat("Quick question. " + LongCase + " Thanks a lot in advance!"),     // 3 13-gram overlap inside a longer prompt
            Chat("The VPN client disconnects every ten minutes on my laptop running the latest macOS release, what should I check"), // 4 near-duplicate
            Chat("Hello there, who are you and what can you do for me today?"),    // 5 clean: the short case only matches exactly
            Chat("Why do I see two charges?", "My invoice for March shows two charges for the same Team plan"), // 6 clean: 12 words < 13
        ];
        byte[] file = Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n");

        var matches = Decontaminator.Scan(new MemoryStream(file), index);

        Assert.Equal([2L, 3L, 4L], matches.Select(m => m.Line));
        Assert.Equal((ContaminationMethod.Exact, "smoke/greeting"), (matches[0].Method, matches[0].Eval.Id));
        Assert.Equal((ContaminationMethod.NGram, "smoke/double-charge"), (matches[1].Method, matches[1].Eval.Id));
        Assert.Equal(1.0, matches[1].Score);
        Assert.Equal("smoke/vpn", matches[2].Eval.Id);
        Assert.Contains(matches[2].Method, new[] { ContaminationMethod.NGram, ContaminationMethod.NearDuplicate });

        using var clean = new MemoryStream();
        using var removed = new MemoryStream();
        var (cleanCount, removedCount) = await Decontaminator.RemoveAsync(new MemoryStream(file), matches, clean, removed, TestContext.Current.CancellationToken);
        Assert.Equal((3, 3), (cleanCount, removedCount));
        Assert.Equal(string.Join('\n', lines[0], lines[4], lines[5]) + "\n", Encoding.UTF8.GetString(clean.ToArray()));
    }

    [Fact]
    public void A_rephrased_prompt_is_caught_by_minhash_when_ngrams_miss()
    {
        var index = ContaminationIndex.Build(
            [new EvalText("c1", "x:1", "please tell me how to configure single sign on with okta for my whole organisation and which roles to map")],
            new DecontaminationOptions { NGrams = false });

        var near = index.Find(Tailor.Data.Conversation.Chat(
            Tailor.Data.ConversationMessage.User("please tell me how to configure single sign on with okta for my whole organisation and which roles to map first"),
            Tailor.Data.ConversationMessage.Assistant("Go to Settings.")));
        var far = index.Find(Tailor.Data.Conversation.Chat(
            Tailor.Data.ConversationMessage.User("how do I change the billing address on my account"),
            Tailor.Data.ConversationMessage.Assistant("Go to Billing.")));

        Assert.NotNull(near);
        Assert.Equal(ContaminationMethod.NearDuplicate, near.Method);
        Assert.InRange(near.Score, 0.7, 1.0);
        Assert.Null(far);
    }

    [Fact]
    public async Task A_validation_split_is_checked_against_the_training_split()
    {
        string validation = Path.Combine(_dir, "valid.jsonl");
        File.WriteAllText(validation, Chat("Can I pay my annual subscription with a bank transfer instead of a credit card?") + "\n" + Chat("Where do I find API keys?") + "\n");
        var held = new List<EvalText>();
        await foreach (var text in EvalTextReader.FromJsonlAsync(validation, "valid.jsonl", TestContext.Current.CancellationToken))
        {
            held.Add(text);
        }
        var index = ContaminationIndex.Build(held);
        byte[] training = Encoding.UTF8.GetBytes(Chat("can I pay my annual subscription with a bank transfer instead of a credit card") + "\n" + Chat("How do I rotate keys?") + "\n");

        var match = Assert.Single(Decontaminator.Scan(new MemoryStream(training), index));

        Assert.Equal(1, match.Line);
        Assert.Equal("valid.jsonl:1", match.Eval.Origin);
    }
}
