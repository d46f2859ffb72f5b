using System.Text;
using System.Text.Json;
using Tailor.Data;
using Tailor.Data.Formats;
using Tailor.Data.Splitting;
using Tailor.Data.Stats;
using Tailor.Data.Tokens;

namespace Tailor.Tests.Data;

/// <summary>Stats, the token report, splits and mixes on generated files.</summary>
public sealed class DatasetToolsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tailor-data-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Chat(string user, string assistant, string? tag = null, string? system = null)
    {
        var messages = new List<object>();
        if (system is not null)
        {
            messages.Add(new { role = "system", content = system });
        }
        messages.Add(new { role = "user", content = user });
        messages.Add(new { role = "assistant", content = assistant });
        return tag is null
            ? JsonSerializer.Serialize(new { messages })
            : JsonSerializer.Serialize(new { messages, tags = new[] { tag } });
    }

    [Fact]
    public void Stats_count_roles_tags_prompts_and_warn_about_gaps_and_imbalance()
    {
        var builder = new DatasetStatisticsBuilder(specIds: ["answer-billing", "troubleshoot", "escalate"]);
        for (int i = 0; i < 40; i++)
        {
            builder.Add(ConversationLineParser.Parse(Encoding.UTF8.GetBytes(Chat($"How do I pay invoice number {i} by card?", $"Open Billing and pay invoice {i}.", "answer-billing", "You are Acme's assistant."))).Conversation!, i + 1);
        }
        builder.Add(ConversationLineParser.Parse(Encoding.UTF8.GetBytes(Chat("My VM does not boot.", "Let's check the console log first.", "troubleshoot"))).Conversation!, 41);
        builder.Add(ConversationLineParser.Parse(Encoding.UTF8.GetBytes(Chat("Unrelated", "Text", "made-up-tag"))).Conversation!, 42);
        builder.AddUnreadable();

        var stats = builder.Build();

        Assert.Equal(43, stats.Lines);
        Assert.Equal(42, stats.Examples);
        Assert.Equal(1, stats.Unreadable);
        Assert.Equal(2, stats.Messages.Min);
        Assert.Equal(3, stats.Messages.Max);
        Assert.Equal(new LabelCount("answer-billing", 40), stats.Tags[0]);
        Assert.Equal(1, stats.DistinctSystemPrompts);
        Assert.Equal(2, stats.WithoutSystemPrompt);
        Assert.Contains(stats.Warnings, w => w.Contains("'escalate'", StringComparison.Ordinal));
        Assert.Contains(stats.Warnings, w => w.Contains("'troubleshoot' has 1 example", StringComparison.Ordinal));
        Assert.Contains(stats.Warnings, w => w.Contains("'made-up-tag' is not an objective", StringComparison.Ordinal));
        // The 40 billing prompts differ only in a number: one cluster, and a warning about repetition.
        Assert.Equal(40, stats.PromptClusters[0].Size);
        Assert.Contains(stats.Warnings, w => w.Contains("near-identical twin", StringComparison.Ordinal));
        Assert.Contains(stats.TopPromptTrigrams, t => t.Label == "how do i" && t.Count == 40);
        Assert.InRange(stats.Distinct1, 0.01, 0.5);
    }

    [Fact]
    public void The_token_report_counts_truncation_totals_and_epochs()
    {
        var counter = new TiktokenEstimateCounter();
        var plan = new TrainingPlan(SequenceLength: 20, Steps: 10, BatchSize: 2);
        var builder = new TokenReportBuilder(counter, plan);
        var shortOne = Conversation.Chat(ConversationMessage.User("Hi"), ConversationMessage.Assistant("Hello there"));
        var longOne = Conversation.Chat(ConversationMessage.User(string.Join(' ', Enumerable.Repeat("word", 30))), ConversationMessage.Assistant("ok"));

        var a = builder.Add(shortOne, 1);
        var b = builder.Add(longOne, 2);
        var report = builder.Build();

        Assert.Equal(counter.CountText("Hi") + counter.CountText("Hello there") + 2 * TiktokenEstimateCounter.TokensPerMessage, a.Total);
        Assert.Equal(counter.CountText("Hello there") + TiktokenEstimateCounter.TokensPerMessage, a.Trained);
        Assert.True(report.IsEstimate);
        Assert.Equal("o200k_base", report.Tokenizer);
        Assert.Equal(a.Total + b.Total, report.TotalTokens);
        Assert.Equal(1, report.Truncated);
        Assert.Equal(b.Total - 20, report.TruncatedTokens);
        Assert.Equal(400, plan.TrainingTokens);
        Assert.Equal(Math.Round(400.0 / report.TotalTokens, 3), report.Epochs);
    }

    [Fact]
    public void A_long_example_is_flagged_by_the_validator_when_a_sequence_length_is_given()
    {
        var validator = new Tailor.Data.Validation.DatasetValidator(new Tailor.Data.Validation.ValidationOptions { Tokens = new TiktokenEstimateCounter(), MaxTokens = 16 });
        var line = Encoding.UTF8.GetBytes(Chat(string.Join(' ', Enumerable.Repeat("word", 30)), "ok"));

        var verdict = ValidationRuleTests.ValidateOne(validator, line);
        var fits = ValidationRuleTests.ValidateOne(validator, Encoding.UTF8.GetBytes(Chat("Hi", "Hello")));

        var issue = Assert.Single(verdict.Issues);
        Assert.Equal(Tailor.Data.Validation.DataRules.TooManyTokens, issue.Code);
        Assert.Contains("(estimated)", issue.Message, StringComparison.Ordinal);
        Assert.True(verdict.IsValid);
        Assert.Empty(fits.Issues);
    }

    [Fact]
    public async Task A_split_is_seeded_stratified_and_keeps_every_line()
    {
        var lines = new List<string>();
        for (int i = 0; i < 100; i++)
        {
            lines.Add(Chat($"billing question {i}", "answer", "answer-billing"));
        }
        for (int i = 0; i < 30; i++)
        {
            lines.Add(Chat($"vm question {i}", "answer", "troubleshoot"));
        }
        lines.Add("not json");
        byte[] file = Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n");

        var (assignment, result) = DatasetSplitter.Assign(new MemoryStream(file), new SplitOptions { Train = 0.8, Validation = 0.1, Test = 0.1, Seed = 3 });
        var (again, _) = DatasetSplitter.Assign(new MemoryStream(file), new SplitOptions { Train = 0.8, Validation = 0.1, Test = 0.1, Seed = 3 });
        var (other, _) = DatasetSplitter.Assign(new MemoryStream(file), new SplitOptions { Train = 0.8, Validation = 0.1, Test = 0.1, Seed = 4 });

        Assert.Equal(assignment, again);
        Assert.NotEqual(assignment, other);
        Assert.Equal((80, 10, 10), result.ByStratum["answer-billing"]);
        Assert.Equal((24, 3, 3), result.ByStratum["troubleshoot"]);
        Assert.Equal(1, result.Unreadable);
        using var train = new MemoryStream();
        using var validation = new MemoryStream();
        using var test = new MemoryStream();
        var counts = await DatasetSplitter.WriteAsync(new MemoryStream(file), assignment, train, validation, test, TestContext.Current.CancellationToken);
        Assert.Equal([105L, 13L, 13L], counts);
        var all = new[] { train, validation, test }.SelectMany(s => Encoding.UTF8.GetString(s.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries)).Order(StringComparer.Ordinal);
        Assert.Equal(lines.Order(StringComparer.Ordinal), all);
    }

    [Fact]
    public async Task A_mix_takes_each_source_by_weight_and_repeats_only_when_asked_for_more()
    {
        string a = Path.Combine(_dir, "a.jsonl"), b = Path.Combine(_dir, "b.jsonl");
        File.WriteAllLines(a, Enumerable.Range(0, 30).Select(i => Chat($"a{i}", "x")));
        File.WriteAllLines(b, Enumerable.Range(0, 100).Select(i => Chat($"b{i}", "y")).Append("broken"));

        using var output = new MemoryStream();
        var mixed = await DatasetMixer.MixAsync([MixSource.Parse(a + ":3"), MixSource.Parse(b + ":1")], output, seed: 5, cancellationToken: TestContext.Current.CancellationToken);

        // 30 examples at a share of 0.75 allow a mix of 40: 30 from a, 10 from b, nothing repeated.
        Assert.Equal([30L, 10L], mixed.Select(m => m.Taken));
        Assert.Equal(1, mixed[1].Unreadable);
        var lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(40, lines.Length);
        Assert.Equal(40, lines.Distinct().Count());

        using var bigger = new MemoryStream();
        var upsampled = await DatasetMixer.MixAsync([new MixSource(a, 3), new MixSource(b, 1)], bigger, total: 100, seed: 5, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal([75L, 25L], upsampled.Select(m => m.Taken));
        var aLines = Encoding.UTF8.GetString(bigger.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.Contains("\"content\":\"a", StringComparison.Ordinal)).ToList();
        Assert.Equal(30, aLines.Distinct().Count()); // every a example used, then repeated
    }

    [Fact]
    public void Mix_weights_parse_like_mistral_finetune()
    {
        Assert.Equal(new MixSource("data/a.jsonl", 5), MixSource.Parse("data/a.jsonl:5."));
        Assert.Equal(new MixSource("data/b.jsonl", 1), MixSource.Parse("data/b.jsonl"));
        Assert.Throws<FormatException>(() => MixSource.Parse("a.jsonl:-1"));
    }
}
