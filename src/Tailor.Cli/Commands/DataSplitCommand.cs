using System.CommandLine;
using Spectre.Console;
using Tailor.Data.Formats;
using Tailor.Data.Splitting;

namespace Tailor.Cli.Commands;

/// <summary><c>tailor data split file</c>: seeded train/validation/test split, stratified by tag, lines copied verbatim.</summary>
internal static class DataSplitCommand
{
    public static Command Create(CliEnvironment env)
    {
        var input = new Argument<string>("input") { Description = "A JSONL dataset" };
        var train = new Option<double>("--train") { Description = "Share of the training split", DefaultValueFactory = _ => 0.8 };
        var validation = new Option<double>("--validation") { Description = "Share of the validation split", DefaultValueFactory = _ => 0.1 };
        var test = new Option<double>("--test") { Description = "Share of the test split", DefaultValueFactory = _ => 0.1 };
        var seed = new Option<int>("--seed") { Description = "Seed of the shuffle: the same seed gives the same split", DefaultValueFactory = _ => 1 };
        var noStratify = new Option<bool>("--no-stratify") { Description = "Do not keep tag proportions in each split" };
        var outDir = new Option<string?>("--out-dir") { Description = "Where <name>.train/.validation/.test.jsonl go (default: beside the input)" };
        var json = DataFiles.JsonOption();
        var command = new Command("split", "Split a dataset into train, validation and test (seeded, stratified by tag)");
        command.Arguments.Add(input);
        foreach (var option in new Option[] { train, validation, test, seed, noStratify, outDir, json })
        {
            command.Options.Add(option);
        }
        command.SetAction((parse, ct) => RunAsync(env, parse.GetValue(input)!, new SplitOptions
        {
            Train = parse.GetValue(train),
            Validation = parse.GetValue(validation),
            Test = parse.GetValue(test),
            Seed = parse.GetValue(seed),
            StratifyByTag = !parse.GetValue(noStratify),
        }, parse.GetValue(outDir), parse.GetValue(json), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliEnvironment env, string inputPath, SplitOptions options, string? outDir, bool json, CancellationToken ct)
    {
        if (options.Train < 0 || options.Validation < 0 || options.Test < 0 || options.Train + options.Validation + options.Test <= 0)
        {
            throw new CliException("split shares are non-negative and not all zero", "e.g. --train 0.8 --validation 0.1 --test 0.1");
        }
        string input = DataFiles.Input(env, inputPath);
        string directory = outDir is null ? Path.GetDirectoryName(input)! : Path.GetFullPath(Path.Combine(env.WorkingDirectory, outDir));
        string name = Path.GetFileNameWithoutExtension(input);
        string[] outputs = ["train", "validation", "test"];
        outputs = outputs.Select(s => DataFiles.Output(env, Path.Combine(directory, $"{name}.{s}.jsonl"), input)).ToArray();
        byte[] assignment;
        SplitResult result;
        await using (var source = DatasetReader.OpenRead(input))
        {
            (assignment, result) = DatasetSplitter.Assign(source, options);
        }
        using var files = new DataOutputs();
        await using (var source = DatasetReader.OpenRead(input))
        await using (var trainFile = files.Create(outputs[0]))
        await using (var validationFile = files.Create(outputs[1]))
        await using (var testFile = files.Create(outputs[2]))
        {
            await DatasetSplitter.WriteAsync(source, assignment, trainFile, validationFile, testFile, ct);
        }
        files.Commit();
        if (json)
        {
            DataFiles.WriteJson(env, new
            {
                Input = DataFiles.Display(env, input),
                Train = new { File = DataFiles.Display(env, outputs[0]), Lines = result.Train },
                Validation = new { File = DataFiles.Display(env, outputs[1]), Lines = result.Validation },
                Test = new { File = DataFiles.Display(env, outputs[2]), Lines = result.Test },
                result.Unreadable,
                options.Seed,
                Strata = result.ByStratum.ToDictionary(s => s.Key, s => new { s.Value.Train, s.Value.Validation, s.Value.Test }),
            });
            return ExitCodes.Ok;
        }
        var table = new Table().Border(TableBorder.Rounded).AddColumn("stratum").AddColumn(new TableColumn("train").RightAligned()).AddColumn(new TableColumn("validation").RightAligned()).AddColumn(new TableColumn("test").RightAligned());
        foreach (var (stratum, counts) in result.ByStratum)
        {
            table.AddRow(Markup.Escape(stratum), DataFiles.Count(counts.Train), DataFiles.Count(counts.Validation), DataFiles.Count(counts.Test));
        }
        env.Out.Write(table);
        env.Out.MarkupLine($"wrote {Markup.Escape(string.Join(", ", outputs.Select(o => DataFiles.Display(env, o))))} (seed {options.Seed})");
        if (result.Unreadable > 0)
        {
            env.Out.MarkupLine($"[yellow]{DataFiles.Count(result.Unreadable)} unreadable line(s) went to the training file untouched; run 'tailor data validate'[/]");
        }
        return ExitCodes.Ok;
    }
}
