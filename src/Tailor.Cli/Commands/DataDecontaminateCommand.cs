using System.CommandLine;
using Spectre.Console;
using Tailor.Data.Decontamination;
using Tailor.Data.Formats;

namespace Tailor.Cli.Commands;

/// <summary>
/// <c>tailor data decontaminate train.jsonl -o clean.jsonl</c>: finds training examples that overlap
/// eval cases (the spec's suites, or <c>--against</c> suite files and held-out JSONL splits) by exact
/// match, 13-gram overlap and MinHash, reports each with the case it matches, and removes them.
/// </summary>
internal static class DataDecontaminateCommand
{
    public static Command Create(CliEnvironment env)
    {
        var input = new Argument<string>("input") { Description = "The training JSONL file" };
        var output = new Option<string>("--output", "-o") { Description = "The training file without contaminated examples", Required = true };
        var against = new Option<string[]>("--against") { Description = "Eval suite files (.yaml) or held-out splits (.jsonl); default: the spec's suites", AllowMultipleArgumentsPerToken = true };
        var ngram = new Option<int>("--ngram") { Description = "N-gram length in words", DefaultValueFactory = _ => 13 };
        var threshold = new Option<double>("--threshold") { Description = "MinHash similarity from which a prompt counts as the eval case", DefaultValueFactory = _ => 0.7 };
        var json = DataFiles.JsonOption();
        var command = new Command("decontaminate", "Remove training examples that overlap eval cases or a held-out split (exact, n-gram, MinHash)");
        command.Arguments.Add(input);
        foreach (var option in new Option[] { output, against, ngram, threshold, json })
        {
            command.Options.Add(option);
        }
        command.SetAction((parse, ct) => RunAsync(env, parse, parse.GetValue(input)!, parse.GetValue(output)!, parse.GetValue(against) ?? [],
            new DecontaminationOptions { NGram = Math.Max(1, parse.GetValue(ngram)), Lsh = new Tailor.Data.Dedup.LshParameters { Threshold = parse.GetValue(threshold) } }, parse.GetValue(json), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliEnvironment env, ParseResult parse, string inputPath, string outputPath, string[] against, DecontaminationOptions options, bool json, CancellationToken ct)
    {
        string input = DataFiles.Input(env, inputPath);
        string output = DataFiles.Output(env, outputPath, input);
        string removedPath = DataFiles.Beside(output, "contaminated");
        var texts = new List<EvalText>();
        var sources = new List<string>();
        if (against.Length == 0)
        {
            var project = DataFiles.TryLoadProject(parse, env)
                ?? throw new CliException("nothing to check against: no --against files and no tailor.yaml", "pass --against evals/suite.yaml or a held-out .jsonl split");
            if (project.Spec.Evals.Suites.Count == 0)
            {
                throw new CliException("the spec lists no eval suites", "pass --against files, or add suites under 'evals: suites:'");
            }
            against = project.Spec.Evals.Suites.Select(project.Spec.ResolvePath).ToArray();
        }
        foreach (string file in against)
        {
            string path = DataFiles.Input(env, file);
            string display = DataFiles.Display(env, path);
            sources.Add(display);
            try
            {
                if (path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
                {
                    await foreach (var text in EvalTextReader.FromJsonlAsync(path, display, ct))
                    {
                        texts.Add(text);
                    }
                }
                else
                {
                    texts.AddRange(EvalTextReader.FromSuite(path, display));
                }
            }
            catch (InvalidDataException ex)
            {
                throw new CliException(ex.Message, "fix the suite file; 'tailor spec check' reports its problems");
            }
        }
        var index = ContaminationIndex.Build(texts, options);
        IReadOnlyList<ContaminationMatch> matches;
        await using (var source = DatasetReader.OpenRead(input))
        {
            matches = await Task.Run(() => Decontaminator.Scan(source, index, cancellationToken: ct), ct);
        }
        long clean, removed;
        using var outputs = new DataOutputs();
        await using (var source = DatasetReader.OpenRead(input))
        await using (var cleanFile = outputs.Create(output))
        await using (var removedFile = outputs.Create(removedPath))
        {
            (clean, removed) = await Decontaminator.RemoveAsync(source, matches, cleanFile, removedFile, ct);
        }
        outputs.Commit();
        if (json)
        {
            DataFiles.WriteJson(env, new
            {
                Input = DataFiles.Display(env, input),
                Output = DataFiles.Display(env, output),
                Removed = DataFiles.Display(env, removedPath),
                Against = sources,
                EvalTexts = texts.Count,
                Settings = new { options.NGram, options.MinShortTextWords, options.Lsh.Threshold },
                Kept = clean,
                Contaminated = removed,
                Matches = matches.Select(m => new { m.Line, Case = m.Eval.Id, At = m.Eval.Origin, Method = Method(m.Method), m.Score }),
            });
            return ExitCodes.Ok;
        }
        env.Out.MarkupLine($"checked against {texts.Count} eval text(s) from {Markup.Escape(string.Join(", ", sources))}: {DataFiles.Count(removed)} contaminated example(s) removed, {DataFiles.Count(clean)} line(s) kept in [bold]{Markup.Escape(DataFiles.Display(env, output))}[/]");
        if (matches.Count > 0)
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumn(new TableColumn("line").RightAligned()).AddColumn("eval case").AddColumn("written at").AddColumn("match").AddColumn(new TableColumn("score").RightAligned());
            foreach (var match in matches.Take(50))
            {
                table.AddRow(match.Line.ToString(System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(match.Eval.Id), Markup.Escape(match.Eval.Origin), Method(match.Method), DataFiles.Number(match.Score));
            }
            env.Out.Write(table);
            env.Out.MarkupLine($"the removed lines are in [bold]{Markup.Escape(DataFiles.Display(env, removedPath))}[/] as they were");
        }
        return ExitCodes.Ok;
    }

    private static string Method(ContaminationMethod method) => method switch
    {
        ContaminationMethod.Exact => "exact",
        ContaminationMethod.NGram => "n-gram",
        _ => "near-duplicate",
    };
}
