using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Tailor.Moderation.Evaluation;
using Tailor.Moderation.Local;

namespace Tailor.Cli.Commands;

/// <summary>
/// <c>tailor moderation train data.jsonl -o model.tmod</c>: trains the local classifier on labelled JSONL. Every bad
/// line is reported with its number; training then stops (exit 2) unless <c>--skip-invalid</c> says to go on without them.
/// </summary>
internal static class ModerationTrainCommand
{
    public static Command Create(CliEnvironment env)
    {
        var files = new Argument<string[]>("files") { Description = "Labelled JSONL files ({\"text\", \"labels\"} per line)", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--output", "-o") { Description = "The model file to write (.tmod)", Required = true };
        var defaults = new LocalClassifierTrainingOptions();
        var epochs = new Option<int>("--epochs") { Description = "Passes over the data", DefaultValueFactory = _ => defaults.Epochs };
        var rate = new Option<double>("--learning-rate") { Description = "AdaGrad's base step", DefaultValueFactory = _ => defaults.LearningRate };
        var l2 = new Option<double>("--l2") { Description = "L2 penalty", DefaultValueFactory = _ => defaults.L2 };
        var seed = new Option<int>("--seed") { Description = "Seed of the shuffling (same data + seed = same model)", DefaultValueFactory = _ => defaults.Seed };
        var maxPositive = new Option<double>("--max-positive-weight") { Description = "Ceiling of the up-weighting of rare categories", DefaultValueFactory = _ => defaults.MaxPositiveWeight };
        var minThreshold = new Option<double>("--min-threshold") { Description = "Lowest per-category threshold the tuning may pick", DefaultValueFactory = _ => defaults.MinThreshold };
        var bits = new Option<int>("--bucket-bits") { Description = "2^bits hash buckets (8..24)", DefaultValueFactory = _ => defaults.BucketBits };
        var skipInvalid = new Option<bool>("--skip-invalid") { Description = "Train on the usable lines when some are bad, instead of stopping" };
        var force = new Option<bool>("--force") { Description = "Overwrite the output file" };
        var json = new Option<bool>("--json") { Description = "Print a summary of the model as JSON" };
        var command = new Command("train", "Train the local moderation classifier on labelled JSONL");
        command.Arguments.Add(files);
        foreach (var option in new Option[] { output, epochs, rate, l2, seed, maxPositive, minThreshold, bits, skipInvalid, force, json })
        {
            command.Options.Add(option);
        }
        command.SetAction((parse, ct) => RunAsync(env, parse.GetValue(files)!, parse.GetValue(output)!, new LocalClassifierTrainingOptions
        {
            Epochs = parse.GetValue(epochs),
            LearningRate = parse.GetValue(rate),
            L2 = parse.GetValue(l2),
            Seed = parse.GetValue(seed),
            BucketBits = parse.GetValue(bits),
            MaxPositiveWeight = parse.GetValue(maxPositive),
            MinThreshold = parse.GetValue(minThreshold),
            Source = "tailor moderation train " + string.Join(" ", parse.GetValue(files)!.Select(Path.GetFileName)),
        }, parse.GetValue(skipInvalid), parse.GetValue(force), parse.GetValue(json), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliEnvironment env, string[] files, string output, LocalClassifierTrainingOptions options, bool skipInvalid, bool force, bool json, CancellationToken ct)
    {
        if (options.Epochs < 1 || options.LearningRate <= 0 || options.L2 < 0 || options.BucketBits is < 8 or > 24 || options.MaxPositiveWeight < 1 || options.MinThreshold is < 0.01 or > 0.9)
        {
            throw new CliException("invalid training settings", "--epochs >= 1, --learning-rate > 0, --l2 >= 0, --bucket-bits between 8 and 24, --max-positive-weight >= 1, --min-threshold between 0.01 and 0.9");
        }
        string outputPath = Path.GetFullPath(Path.Combine(env.WorkingDirectory, output));
        if (File.Exists(outputPath) && !force)
        {
            throw new CliException($"{output} already exists", "pass --force to overwrite it");
        }

        var examples = new List<LabelledText>();
        var problems = new List<LabelledTextProblem>();
        foreach (string file in files)
        {
            string path = Path.GetFullPath(Path.Combine(env.WorkingDirectory, file));
            if (!File.Exists(path))
            {
                throw new CliException($"no file at {path}", "give labelled JSONL files: one {\"text\": \"...\", \"labels\": [...]} per line");
            }
            examples.AddRange(await LabelledTextReader.ReadAllAsync(path, p =>
            {
                problems.Add(p);
                env.Error.MarkupLine($"[red]error:[/] {Markup.Escape(p.ToString())}");
            }, file, ct));
        }
        if (problems.Count > 0 && !skipInvalid)
        {
            throw new CliException($"{problems.Count} line(s) cannot be used; no model was written", "fix them, or pass --skip-invalid to train on the other lines");
        }
        if (examples.Count == 0)
        {
            throw new CliException("there are no examples to train on", "each line must be {\"text\": \"...\", \"labels\": [...]}");
        }
        var labelled = ModerationCategoriesIn(examples);
        if (labelled.Count == 0)
        {
            throw new CliException("every example is benign: there is nothing to learn", "add examples with labels, e.g. {\"text\": \"...\", \"labels\": [\"self_harm\"]}");
        }

        var model = LocalClassifierTrainer.Train(examples, options with { Categories = labelled },
            line => env.Error.MarkupLine($"[grey]{Markup.Escape(line)}[/]"), ct);
        model.Save(outputPath);

        if (json)
        {
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
            {
                w.WriteStartObject();
                w.WriteString("model", output);
                w.WriteNumber("examples", examples.Count);
                w.WriteNumber("skipped", problems.Count);
                w.WriteNumber("features", model.Info.Features);
                w.WriteString("data_sha256", model.Info.DataSha256);
                w.WriteNumber("bytes", new FileInfo(outputPath).Length);
                w.WriteStartObject("thresholds");
                for (int k = 0; k < model.Categories.Count; k++)
                {
                    w.WriteNumber(model.Categories[k], model.Thresholds[k]);
                }
                w.WriteEndObject();
                w.WriteEndObject();
            }
            env.WriteRawLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
        }
        else
        {
            var inv = CultureInfo.InvariantCulture;
            env.Out.MarkupLine(string.Create(inv,
                $"[green]trained[/] {Markup.Escape(output)}: {examples.Count} examples, {model.Categories.Count} categories, {model.Info.Features} features, {new FileInfo(outputPath).Length / 1024.0:0} KiB"));
            env.Out.MarkupLine($"[grey]thresholds: {Markup.Escape(string.Join(", ", model.Categories.Select((c, k) => string.Create(inv, $"{c} {model.Thresholds[k]:0.00}"))))}[/]");
            env.Out.MarkupLine($"[grey]data sha256 {Markup.Escape(model.Info.DataSha256 ?? "")}[/]");
        }
        return ExitCodes.Ok; // bad lines were either fatal above or skipped on request
    }

    // Categories with at least one example, in taxonomy order: a model only learns what it has seen.
    private static List<string> ModerationCategoriesIn(List<LabelledText> examples)
    {
        var seen = examples.SelectMany(e => e.Labels).ToHashSet(StringComparer.Ordinal);
        return [.. Tailor.Moderation.ModerationCategories.All.Select(c => c.Id).Where(seen.Contains)];
    }
}
