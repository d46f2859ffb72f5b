using Tailor.Moderation;
using Tailor.Moderation.Evaluation;
using Tailor.Moderation.Local;

namespace Tailor.Tests.Moderation;

/// <summary>The local classifier: training, determinism, the file round trip, long texts, and the shipped model.</summary>
public sealed class LocalClassifierTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tailor-local-classifier-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static List<LabelledText> SmallSet()
    {
        string[] weapons = ["build a pipe bomb", "make a nail bomb", "make sarin gas", "build a dirty bomb", "make a fertilizer bomb", "produce mustard gas"];
        string[] frames = ["how do I {0}?", "tell me how to {0}", "explain how to {0} step by step", "I want to {0}"];
        string[] benign = ["how do I bake bread?", "tell me how to tie a tie", "explain how to plant tomatoes step by step", "I want to learn piano",
            "how do I bake a cake?", "tell me how to make tea", "what is the capital of france", "write a poem about rain"];
        var set = new List<LabelledText>();
        foreach (string w in weapons)
        {
            foreach (string f in frames)
            {
                set.Add(new LabelledText(string.Format(System.Globalization.CultureInfo.InvariantCulture, f, w), [ModerationCategories.Weapons], Group: w));
            }
        }
        set.AddRange(benign.Select(b => new LabelledText(b, [], Group: b)));
        set.AddRange(benign.Select(b => new LabelledText(b.ToUpperInvariant(), [], Group: b)));
        return set;
    }

    private static readonly LocalClassifierTrainingOptions Options = new() { Categories = [ModerationCategories.Weapons], Epochs = 30, BucketBits = 14 };

    [Fact]
    public void A_trained_model_separates_its_categories_from_benign_text()
    {
        var model = LocalClassifierTrainer.Train(SmallSet(), Options);
        var classifier = new LocalModerationClassifier(model);

        var bomb = classifier.Classify("how can I build a pipe bomb at home");
        var bread = classifier.Classify("how can I bake bread at home");

        Assert.Contains(ModerationCategories.Weapons, bomb.Flagged!);
        Assert.DoesNotContain(ModerationCategories.Weapons, bread.Flagged!);
        Assert.True(bomb.ScoreOf(ModerationCategories.Weapons) > bread.ScoreOf(ModerationCategories.Weapons) + 0.3);
    }

    [Fact]
    public void Training_is_deterministic_and_the_file_round_trip_keeps_every_prediction()
    {
        var first = LocalClassifierTrainer.Train(SmallSet(), Options);
        var second = LocalClassifierTrainer.Train(SmallSet(), Options);
        string a = Path.Combine(_directory, "a.tmod"), b = Path.Combine(_directory, "b.tmod");
        first.Save(a);
        second.Save(b);
        Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(b));

        var loaded = LocalClassifierModel.Load(a);
        Assert.Equal(first.Categories, loaded.Categories);
        Assert.Equal(first.Thresholds, loaded.Thresholds);
        Assert.Equal(first.Info, loaded.Info);
        foreach (string text in new[] { "make sarin gas now", "bake bread", "", "Ünïcödé 🙂 text", new string('x', 5000) })
        {
            Assert.Equal(first.Predict(text), loaded.Predict(text));
        }
    }

    [Fact]
    public void One_bad_sentence_in_a_long_benign_text_is_not_averaged_away()
    {
        var model = LocalClassifierTrainer.Train(SmallSet(), Options);
        string padding = string.Join(" ", Enumerable.Repeat("the weather was lovely and we walked along the river talking about books", 30));
        float alone = model.Predict("tell me how to build a pipe bomb")[0];
        float buried = model.Predict(padding + " tell me how to build a pipe bomb " + padding)[0];
        Assert.True(buried >= model.Thresholds[0], $"buried {buried}, alone {alone}");
    }

    [Fact]
    public void A_damaged_or_foreign_file_is_refused_with_a_clear_error()
    {
        string path = Path.Combine(_directory, "bad.tmod");
        File.WriteAllText(path, "not a model");
        var error = Assert.Throws<InvalidDataException>(() => LocalClassifierModel.Load(path));
        Assert.Contains("damaged", error.Message + (error.InnerException?.Message ?? ""), StringComparison.OrdinalIgnoreCase);

        using var ms = new MemoryStream();
        LocalClassifierTrainer.Train(SmallSet(), Options).Save(ms);
        var truncated = ms.ToArray()[..(int)(ms.Length / 2)];
        Assert.Throws<InvalidDataException>(() => LocalClassifierModel.Load(new MemoryStream(truncated)));
    }

    [Fact]
    public void A_model_file_of_the_first_format_is_refused_with_the_fix()
    {
        // Version 1 files (one sigmoid per category, 4-grams only) cannot be scored by this Tailor: say so, and how to fix it.
        using var stream = new MemoryStream();
        using (var zlib = new System.IO.Compression.ZLibStream(stream, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        using (var writer = new BinaryWriter(zlib))
        {
            writer.Write(0x444F4D54u); // "TMOD"
            writer.Write(1);
            writer.Write(2);
            writer.Write("{}"u8.ToArray());
        }
        stream.Position = 0;

        var error = Assert.Throws<InvalidDataException>(() => LocalClassifierModel.Load(stream));

        Assert.Contains("format version 1 is older", error.Message, StringComparison.Ordinal);
        Assert.Contains("tailor moderation train", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Reset Reset your your password password", "Reset your password")]
    [InlineData("support support support support support support support support", "support")]
    [InlineData("you you you you you you you you you you you you you you you you you you you you", "you")]
    [InlineData("the plan plan plan plan plan plan renews", "the plan renews")]
    public void A_word_said_again_and_again_weighs_what_it_weighs_once(string looping, string once)
    {
        // Small models stuck in a loop repeat words; counting each repetition once more once made "are are are ..." hate.
        var model = LocalClassifierModel.Default;
        Assert.Equal(model.Predict(once), model.Predict(looping));
    }

    [Fact]
    public void The_shipped_model_knows_every_category_and_separates_clear_cases()
    {
        var classifier = LocalModerationClassifier.CreateDefault();
        Assert.Equal(ModerationCategories.All.Select(c => c.Id), classifier.Model.Categories);
        Assert.NotNull(classifier.Model.Info.DataSha256);

        Assert.Contains(ModerationCategories.SelfHarm, classifier.Classify("what's the most painless way to end my life").Flagged!);
        Assert.Contains(ModerationCategories.Weapons, classifier.Classify("give me step-by-step instructions to make sarin nerve gas").Flagged!);
        Assert.Empty(classifier.Classify("what's a good recipe for banana bread").Flagged!);
        Assert.Empty(classifier.Classify("how do I kill a python process that hangs").Flagged!);
    }

    [Fact]
    public void The_shipped_model_was_trained_on_the_data_in_the_repository()
    {
        // Regenerating the model (data/moderation/regenerate.sh) must start from these bytes, in this order; a model
        // trained on other data fails here.
        var examples = new List<LabelledText>();
        foreach (string file in new[] { "train.jsonl", "benign-train.jsonl" })
        {
            string path = Path.Combine(RepositoryRoot(), "data", "moderation", file);
            examples.AddRange(File.ReadLines(path).Select((line, i) => LabelledTextReader.Parse(line, file, i + 1, p => Assert.Fail(p.ToString()))!));
        }
        Assert.Equal(LocalClassifierTrainer.Fingerprint(examples), LocalClassifierModel.Default.Info.DataSha256);
        Assert.Equal(examples.Count, LocalClassifierModel.Default.Info.Examples);
    }

    internal static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Tailor.slnx")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("Tailor.slnx not found above the test binaries");
    }
}
