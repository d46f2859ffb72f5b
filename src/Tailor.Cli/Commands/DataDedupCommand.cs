using System.CommandLine;
using Spectre.Console;
using Tailor.Data.Dedup;
using Tailor.Data.Formats;

namespace Tailor.Cli.Commands;

/// <summary>
/// <c>tailor data dedup in.jsonl -o out.jsonl</c>: removes exact duplicates (same words, any case,
/// spacing or punctuation) and near duplicates (MinHash + LSH), keeping one per cluster by policy;
/// removed lines go verbatim to <c>&lt;out&gt;.removed.jsonl</c> and the clusters are reported.
/// </summary>
internal static class DataDedupCommand
{
    public static Command Create(CliEnvironment env)
    {
        var input = new Argument<string>("input") { Description = "A JSONL dataset" };
        var output = new Option<string>("--output", "-o") { Description = "The deduplicated file", Required = true };
        var threshold = new Option<double>("--threshold") { Description = "Estimated Jaccard similarity from which two examples are duplicates", DefaultValueFactory = _ => 0.75 };
        var perms = new Option<int>("--permutations") { Description = "MinHash permutations (multiple of 8)", DefaultValueFactory = _ => 128 };
        var bands = new Option<int>("--bands") { Description = "LSH bands (divides the permutations)", DefaultValueFactory = _ => 16 };
        var shingle = new Option<int>("--shingle") { Description = "Words per shingle", DefaultValueFactory = _ => 5 };
        var keep = new Option<string>("--keep") { Description = "Which duplicate stays: first, longest or best-rated", DefaultValueFactory = _ => "first" };
        var exactOnly = new Option<bool>("--exact-only") { Description = "Only remove exact duplicates" };
        var withSystem = new Option<bool>("--include-system-prompt") { Description = "Compare system prompts too" };
        var json = DataFiles.JsonOption();
        var command = new Command("dedup", "Remove exact and near-duplicate examples (MinHash + LSH), keeping one per cluster");
        command.Arguments.Add(input);
        foreach (var option in new Option[] { output, threshold, perms, bands, shingle, keep, exactOnly, withSystem, json })
        {
            command.Options.Add(option);
        }
        command.SetAction((parse, ct) =>
        {
            var policy = parse.GetValue(keep)?.ToLowerInvariant() switch
            {
                "first" => KeepPolicy.First,
                "longest" => KeepPolicy.Longest,
                "best-rated" => KeepPolicy.BestRated,
                var other => throw new CliException($"unknown keep policy '{other}'", "use first, longest or best-rated"),
            };
            var options = new DedupOptions
            {
                Near = !parse.GetValue(exactOnly),
                Keep = policy,
                IncludeSystemPrompt = parse.GetValue(withSystem),
                Lsh = new LshParameters { Threshold = parse.GetValue(threshold), Permutations = parse.GetValue(perms), Bands = parse.GetValue(bands), ShingleSize = parse.GetValue(shingle) },
            };
            try
            {
                options.Lsh.Validate();
            }
            catch (ArgumentException ex)
            {
                throw new CliException(ex.Message, "defaults: --permutations 128 --bands 16 --threshold 0.75 --shingle 5");
            }
            return RunAsync(env, parse.GetValue(input)!, parse.GetValue(output)!, options, parse.GetValue(json), ct);
        });
        return command;
    }

    private static async Task<int> RunAsync(CliEnvironment env, string inputPath, string outputPath, DedupOptions options, bool json, CancellationToken ct)
    {
        string input = DataFiles.Input(env, inputPath);
        string output = DataFiles.Output(env, outputPath, input);
        string removedPath = DataFiles.Beside(output, "removed");
        DedupPlan plan;
        await using (var source = DatasetReader.OpenRead(input))
        {
            plan = await Task.Run(() => Deduplicator.Plan(source, options, ct), ct);
        }
        using var outputs = new DataOutputs();
        await using (var source = DatasetReader.OpenRead(input))
        await using (var kept = outputs.Create(output))
        await using (var removed = outputs.Create(removedPath))
        {
            await Deduplicator.ApplyAsync(source, plan, kept, removed, ct);
        }
        outputs.Commit();
        if (json)
        {
            DataFiles.WriteJson(env, new
            {
                Input = DataFiles.Display(env, input),
                Output = DataFiles.Display(env, output),
                Removed = DataFiles.Display(env, removedPath),
                plan.Lines,
                plan.Examples,
                plan.Unreadable,
                plan.ExactRemoved,
                plan.NearRemoved,
                Kept = plan.Lines - plan.Removed,
                Settings = new { options.Lsh.Permutations, options.Lsh.Bands, options.Lsh.Rows, options.Lsh.Threshold, options.Lsh.ShingleSize, Keep = options.Keep.ToString().ToLowerInvariant(), options.Near },
                Clusters = plan.Clusters.Select(c => new { c.KeptLine, Removed = c.Removed.Select(r => new { r.Line, Kind = r.Kind.ToString().ToLowerInvariant(), r.Similarity }) }),
            });
            return ExitCodes.Ok;
        }
        env.Out.MarkupLine($"{DataFiles.Count(plan.Lines)} lines: removed {DataFiles.Count(plan.ExactRemoved)} exact and {DataFiles.Count(plan.NearRemoved)} near duplicate(s) in {DataFiles.Count(plan.Clusters.Count)} cluster(s); kept {DataFiles.Count(plan.Lines - plan.Removed)} in [bold]{Markup.Escape(DataFiles.Display(env, output))}[/]");
        if (plan.Unreadable > 0)
        {
            env.Out.MarkupLine($"[yellow]{DataFiles.Count(plan.Unreadable)} line(s) are not readable examples; kept as they are (run 'tailor data validate')[/]");
        }
        if (plan.Clusters.Count > 0)
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumn(new TableColumn("kept line").RightAligned()).AddColumn("removed lines (similarity)");
            foreach (var cluster in plan.Clusters.OrderByDescending(c => c.Removed.Count).Take(15))
            {
                table.AddRow(cluster.KeptLine.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Markup.Escape(string.Join(", ", cluster.Removed.Take(8).Select(r => $"{r.Line} ({(r.Kind == DuplicateKind.Exact ? "exact" : DataFiles.Number(r.Similarity))})")) + (cluster.Removed.Count > 8 ? $", ... {cluster.Removed.Count - 8} more" : "")));
            }
            env.Out.Write(table);
            env.Out.MarkupLine($"removed lines are in [bold]{Markup.Escape(DataFiles.Display(env, removedPath))}[/] as they were");
        }
        return ExitCodes.Ok;
    }
}
