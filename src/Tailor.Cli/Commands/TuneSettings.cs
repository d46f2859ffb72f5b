using System.CommandLine;
using System.Globalization;
using Tailor.Tuning;

namespace Tailor.Cli.Commands;

/// <summary>
/// The options <c>tailor tune start</c> and <c>tailor tune export</c> share: the data files (<c>--train</c>, <c>--valid</c>)
/// and the training settings in Tailor's one vocabulary (<see cref="TuningHyperparameters"/>). A value out of range is a
/// usage error naming the option; whether a backend or trainer honours a setting is its own check.
/// </summary>
internal sealed class TuneSettings
{
    public Option<string[]> Train { get; } = new("--train") { Description = "Training data, JSONL (repeatable; file.jsonl:2 weights a file for Mistral; default: the spec's datasets)", AllowMultipleArgumentsPerToken = true };
    public Option<string[]> Valid { get; } = new("--valid") { Description = "Validation data, JSONL (repeatable)", AllowMultipleArgumentsPerToken = true };
    public Option<int?> Steps { get; } = new("--steps") { Description = "Optimizer steps (local, Mistral training_steps)" };
    public Option<double?> Epochs { get; } = new("--epochs") { Description = "Passes over the data (local: turned into steps; Mistral, OpenAI n_epochs)" };
    public Option<double?> LearningRate { get; } = new("--lr") { Description = "Peak learning rate (local, Mistral)" };
    public Option<double?> LearningRateMultiplier { get; } = new("--lr-multiplier") { Description = "OpenAI's learning_rate_multiplier" };
    public Option<int?> Batch { get; } = new("--batch") { Description = "Rows (local) or examples (OpenAI) per step" };
    public Option<int?> SequenceLength { get; } = new("--seq-len") { Description = "Tokens per row (local, Mistral seq_len)" };
    public Option<double?> Warmup { get; } = new("--warmup") { Description = "Share of the steps spent warming the learning rate up, 0 to 1 (local, Mistral warmup_fraction)" };
    public Option<double?> WeightDecay { get; } = new("--weight-decay") { Description = "AdamW weight decay (local, Mistral)" };
    public Option<int?> Seed { get; } = new("--seed") { Description = "Seed of the data order (local, OpenAI)" };
    public Option<int?> LoraRank { get; } = new("--lora-rank") { Description = "Train a LoRA adapter of this rank instead of every weight (local)" };
    public Option<double?> LoraAlpha { get; } = new("--lora-alpha") { Description = "LoRA alpha (default: twice the rank)" };
    public Option<bool> Merge { get; } = new("--merge") { Description = "With --lora-rank: write base + adapter as one model" };
    public Option<int?> CheckpointEvery { get; } = new("--checkpoint-every") { Description = "Checkpoint every N steps (local; default a tenth of the steps)" };
    public Option<double?> ValidationSplit { get; } = new("--val-split") { Description = "Share of the training examples held out for validation loss (local)" };
    public Option<int?> Threads { get; } = new("--threads") { Description = "CPU threads (local; default measured)" };
    public Option<string?> Suffix { get; } = new("--suffix") { Description = "Added to the produced model's name (and its registry id)" };

    public void AddTo(Command command)
    {
        foreach (Option option in new Option[]
        {
            Train, Valid, Steps, Epochs, LearningRate, LearningRateMultiplier, Batch, SequenceLength, Warmup, WeightDecay, Seed,
            LoraRank, LoraAlpha, Merge, CheckpointEvery, ValidationSplit, Threads, Suffix,
        })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The settings of <paramref name="recipe"/> with those given on the command line in their place.</summary>
    public TuningHyperparameters Read(ParseResult parse, TuningHyperparameters recipe)
    {
        var given = Read(parse);
        return new TuningHyperparameters
        {
            Steps = given.Steps ?? recipe.Steps,
            Epochs = given.Epochs ?? recipe.Epochs,
            LearningRate = given.LearningRate ?? recipe.LearningRate,
            LearningRateMultiplier = given.LearningRateMultiplier ?? recipe.LearningRateMultiplier,
            BatchSize = given.BatchSize ?? recipe.BatchSize,
            SequenceLength = given.SequenceLength ?? recipe.SequenceLength,
            WarmupFraction = given.WarmupFraction ?? recipe.WarmupFraction,
            WeightDecay = given.WeightDecay ?? recipe.WeightDecay,
            Seed = given.Seed ?? recipe.Seed,
            LoraRank = given.LoraRank ?? recipe.LoraRank,
            LoraAlpha = given.LoraAlpha ?? recipe.LoraAlpha,
            LoraMerge = given.LoraMerge ?? recipe.LoraMerge,
            CheckpointEvery = given.CheckpointEvery ?? recipe.CheckpointEvery,
            ValidationFraction = given.ValidationFraction ?? recipe.ValidationFraction,
            Threads = given.Threads ?? recipe.Threads,
        };
    }

    /// <exception cref="CliException">A value is out of range.</exception>
    public TuningHyperparameters Read(ParseResult parse)
    {
        var h = new TuningHyperparameters
        {
            Steps = parse.GetValue(Steps),
            Epochs = parse.GetValue(Epochs),
            LearningRate = parse.GetValue(LearningRate),
            LearningRateMultiplier = parse.GetValue(LearningRateMultiplier),
            BatchSize = parse.GetValue(Batch),
            SequenceLength = parse.GetValue(SequenceLength),
            WarmupFraction = parse.GetValue(Warmup),
            WeightDecay = parse.GetValue(WeightDecay),
            Seed = parse.GetValue(Seed),
            LoraRank = parse.GetValue(LoraRank),
            LoraAlpha = parse.GetValue(LoraAlpha),
            LoraMerge = parse.GetValue(Merge) ? true : null,
            CheckpointEvery = parse.GetValue(CheckpointEvery),
            ValidationFraction = parse.GetValue(ValidationSplit),
            Threads = parse.GetValue(Threads),
        };
        Check(h.Steps is < 1, "--steps", "at least 1");
        Check(h.Epochs is { } e && !(e > 0 && double.IsFinite(e)), "--epochs", "a positive number");
        Check(h.LearningRate is { } lr && !(lr > 0 && double.IsFinite(lr)), "--lr", "a positive number");
        Check(h.LearningRateMultiplier is { } m && !(m > 0 && double.IsFinite(m)), "--lr-multiplier", "a positive number");
        Check(h.BatchSize is < 1, "--batch", "at least 1");
        Check(h.SequenceLength is < 8, "--seq-len", "at least 8");
        Check(h.WarmupFraction is { } w && !(w >= 0 && w <= 1), "--warmup", "a fraction from 0 to 1");
        Check(h.WeightDecay is { } d && !(d >= 0 && double.IsFinite(d)), "--weight-decay", "0 or more");
        Check(h.LoraRank is < 1, "--lora-rank", "at least 1");
        Check(h.LoraAlpha is { } a && !(a > 0 && double.IsFinite(a)), "--lora-alpha", "a positive number");
        Check(h.CheckpointEvery is < 1, "--checkpoint-every", "at least 1");
        Check(h.ValidationFraction is { } v && !(v >= 0 && v < 1), "--val-split", "a fraction from 0 up to (not including) 1");
        Check(h.Threads is < 1, "--threads", "at least 1");
        return h;
    }

    /// <summary>The <c>--train</c> files (with their weights), or null when none was given.</summary>
    public IReadOnlyList<TuningDataSource>? ReadTraining(ParseResult parse, CliEnvironment env) =>
        parse.GetValue(Train) is { Length: > 0 } files ? [.. files.Select(f => Source(f, "--train", env))] : null;

    /// <summary>The <c>--valid</c> files, or null when none was given.</summary>
    public IReadOnlyList<TuningDataSource>? ReadValidation(ParseResult parse, CliEnvironment env) =>
        parse.GetValue(Valid) is { Length: > 0 } files ? [.. files.Select(f => Source(f, "--valid", env))] : null;

    /// <summary><c>file.jsonl</c> or <c>file.jsonl:2</c> (a sampling weight), as a full path (pre-flight records it relative to the project).</summary>
    private static TuningDataSource Source(string text, string option, CliEnvironment env)
    {
        string path = text;
        double weight = 1;
        int colon = text.LastIndexOf(':');
        if (colon > 1 && double.TryParse(text.AsSpan(colon + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed))
        {
            if (!(parsed > 0 && double.IsFinite(parsed)))
            {
                throw new CliException($"{option} {text}: the weight must be a positive number", "write file.jsonl:2 to sample a file twice as often");
            }

            (path, weight) = (text[..colon], parsed);
        }

        string full = Path.GetFullPath(Path.Combine(env.WorkingDirectory, path));
        if (!File.Exists(full))
        {
            throw new CliException($"{option}: no file at {path}", Directory.Exists(full) ? "pass a JSONL file, not a directory" : "check the path");
        }

        return new TuningDataSource(full, weight);
    }

    private static void Check(bool bad, string option, string expected)
    {
        if (bad)
        {
            throw new CliException($"{option} must be {expected}");
        }
    }
}
