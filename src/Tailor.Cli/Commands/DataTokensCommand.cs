using System.CommandLine;
using Spectre.Console;
using Tailor.Data.Formats;
using Tailor.Data.Tokens;

namespace Tailor.Cli.Commands;

/// <summary>
/// <c>tailor data tokens file</c>: tokens per example with the local model's own tokenizer when the
/// spec names one (else o200k_base, labelled an estimate), examples the sequence length truncates,
/// total and trained tokens, and the epochs that <c>--steps × --batch × --seq-len</c> amount to.
/// </summary>
internal static class DataTokensCommand
{
    public static Command Create(CliEnvironment env)
    {
        var file = new Argument<string>("file") { Description = "A JSONL dataset" };
        var seqLen = new Option<int>("--seq-len") { Description = "Sequence length of training", DefaultValueFactory = _ => 2048 };
        var steps = new Option<int?>("--steps") { Description = "Training steps, to compute epochs" };
        var batch = new Option<int>("--batch") { Description = "Sequences per step", DefaultValueFactory = _ => 1 };
        var model = new Option<string?>("--model", "-m") { Description = "Model alias whose tokenizer counts (a local model); default: the spec's first local model" };
        var json = DataFiles.JsonOption();
        var command = new Command("tokens", "Count tokens per example, truncation at the sequence length, total tokens and epochs");
        command.Arguments.Add(file);
        command.Options.Add(seqLen);
        command.Options.Add(steps);
        command.Options.Add(batch);
        command.Options.Add(model);
        command.Options.Add(json);
        command.SetAction((parse, ct) => RunAsync(env, parse, parse.GetValue(file)!, new TrainingPlan(parse.GetValue(seqLen), parse.GetValue(steps), parse.GetValue(batch)), parse.GetValue(model), parse.GetValue(json), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliEnvironment env, ParseResult parse, string file, TrainingPlan plan, string? alias, bool json, CancellationToken ct)
    {
        if (plan.SequenceLength < 1 || plan.BatchSize < 1 || plan.Steps is < 1)
        {
            throw new CliException("--seq-len, --batch and --steps are positive numbers");
        }
        string input = DataFiles.Input(env, file);
        var counter = ResolveCounter(env, parse, alias);
        var builder = new TokenReportBuilder(counter, plan);
        await foreach (var record in DatasetReader.ReadFileAsync(input, ct))
        {
            if (record.Conversation is { } conversation && record.Parsed is { HasErrors: false })
            {
                builder.Add(conversation, record.Line);
            }
            else
            {
                builder.AddUnreadable();
            }
        }
        var report = builder.Build();
        if (json)
        {
            DataFiles.WriteJson(env, new
            {
                File = DataFiles.Display(env, input),
                report.Tokenizer,
                Estimate = report.IsEstimate,
                report.Examples,
                report.Unreadable,
                PerExample = new { report.PerExample.Min, report.PerExample.P50, report.PerExample.P90, report.PerExample.P99, report.PerExample.Max, report.PerExample.Mean },
                report.TotalTokens,
                report.TrainedTokens,
                SeqLen = plan.SequenceLength,
                report.Truncated,
                report.TruncatedTokens,
                TruncatedLines = report.LongestLines.Select(l => new { l.Line, l.Tokens }),
                plan.Steps,
                Batch = plan.BatchSize,
                plan.TrainingTokens,
                report.Epochs,
                report.Estimates,
            });
            return ExitCodes.Ok;
        }
        var table = new Table().Border(TableBorder.Rounded).AddColumn("").AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("tokenizer", report.IsEstimate ? $"{Markup.Escape(report.Tokenizer)} [yellow](estimate)[/]" : Markup.Escape(report.Tokenizer));
        table.AddRow("examples", DataFiles.Count(report.Examples) + (report.Unreadable > 0 ? $" [grey](+{DataFiles.Count(report.Unreadable)} unreadable, not counted)[/]" : ""));
        table.AddRow("tokens per example (min / p50 / p90 / max)", $"{report.PerExample.Min} / {report.PerExample.P50} / {report.PerExample.P90} / {report.PerExample.Max}");
        table.AddRow("total tokens", DataFiles.Count(report.TotalTokens));
        table.AddRow("trained tokens (assistant)", DataFiles.Count(report.TrainedTokens));
        table.AddRow($"over seq_len {plan.SequenceLength}", report.Truncated == 0 ? "[green]none[/]" : $"[yellow]{DataFiles.Count(report.Truncated)} example(s), {DataFiles.Count(report.TruncatedTokens)} tokens cut[/]");
        if (plan.TrainingTokens is { } trainingTokens)
        {
            table.AddRow($"training tokens ({plan.Steps} steps x {plan.BatchSize} x {plan.SequenceLength})", DataFiles.Count(trainingTokens));
            table.AddRow("epochs", report.Epochs is { } epochs ? DataFiles.Number(epochs) : "-");
        }
        env.Out.Write(table);
        foreach (var (line, tokens) in report.LongestLines)
        {
            env.Out.MarkupLine($"[yellow]{Markup.Escape(DataFiles.Display(env, input))}:{line}[/]: {tokens} tokens, over {plan.SequenceLength}");
        }
        return ExitCodes.Ok;
    }

    /// <summary>The named or first local model's tokenizer; the o200k_base estimate otherwise.</summary>
    internal static ITokenCounter ResolveCounter(CliEnvironment env, ParseResult parse, string? alias)
    {
        var project = DataFiles.TryLoadProject(parse, env);
        if (project is null)
        {
            return alias is null ? new TiktokenEstimateCounter() : throw new CliException($"--model {alias} needs a project", "run inside a project or pass --project");
        }
        var model = alias is not null ? project.ResolveModel(alias) : project.Spec.Models.Values.FirstOrDefault(m => m.Provider == "local" && m.Path is not null);
        if (model is null || model.Provider != "local" || model.Path is null)
        {
            if (alias is not null)
            {
                env.Error.MarkupLine($"[yellow]note:[/] model '{Markup.Escape(alias)}' is not a local model; its tokenizer is not readable here, so counts are an o200k_base estimate");
            }
            return new TiktokenEstimateCounter();
        }
        string path = project.Spec.ResolvePath(model.Path);
        if (!File.Exists(path))
        {
            env.Error.MarkupLine($"[yellow]note:[/] {Markup.Escape(DataFiles.Display(env, path))} (model '{Markup.Escape(model.Alias)}') does not exist yet; counts are an o200k_base estimate");
            return new TiktokenEstimateCounter();
        }
        try
        {
            return DataLocalTokenCounter.Load(path, model.Path);
        }
        catch (Exception ex) when (ex is Tailor.Local.Gguf.GgufFormatException or NotSupportedException or IOException)
        {
            throw new CliException($"{DataFiles.Display(env, path)}: cannot read its tokenizer: {ex.Message}", "check that the file is a GGUF model made by 'tailor model create' or llama.cpp");
        }
    }
}
