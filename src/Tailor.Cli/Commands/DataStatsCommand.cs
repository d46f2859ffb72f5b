using System.CommandLine;
using Spectre.Console;
using Tailor.Data.Formats;
using Tailor.Data.Stats;

namespace Tailor.Cli.Commands;

/// <summary>
/// <c>tailor data stats [files]</c>: variety and coverage of a dataset: counts, length and turn
/// distributions, roles, system prompts, tool use, distinct-n, frequent prompt trigrams, clusters of
/// similar prompts, examples per objective/policy tag, and warnings about gaps and imbalance.
/// </summary>
internal static class DataStatsCommand
{
    public static Command Create(CliEnvironment env)
    {
        var files = new Argument<string[]>("files") { Description = "JSONL files, counted together (default: the spec's datasets)", Arity = ArgumentArity.ZeroOrMore };
        var json = DataFiles.JsonOption();
        var seed = new Option<int>("--seed") { Description = "Seed of the sample lexical measures use", DefaultValueFactory = _ => 1 };
        var charts = new Option<string?>("--charts") { Description = "Write PNG charts (length distributions, examples per tag) into this directory" };
        var tokens = new Option<bool>("--tokens") { Description = "Count tokens per example too (the spec's local model's tokenizer, else an o200k_base estimate)" };
        var command = new Command("stats", "Describe a dataset's variety and its coverage of the spec's objectives and policies");
        command.Arguments.Add(files);
        command.Options.Add(json);
        command.Options.Add(seed);
        command.Options.Add(charts);
        command.Options.Add(tokens);
        command.SetAction((parse, ct) => RunAsync(env, parse, parse.GetValue(files) ?? [], parse.GetValue(seed), parse.GetValue(charts), parse.GetValue(tokens), parse.GetValue(json), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliEnvironment env, ParseResult parse, string[] files, int seed, string? chartDirectory, bool countTokens, bool json, CancellationToken ct)
    {
        var project = DataFiles.TryLoadProject(parse, env);
        List<string> paths;
        if (files.Length > 0)
        {
            paths = files.Select(f => DataFiles.Input(env, f)).ToList();
        }
        else if (project is { Spec.Datasets.Count: > 0 })
        {
            paths = project.Spec.Datasets.Select(d => DataFiles.Input(env, project.Spec.ResolvePath(d))).ToList();
        }
        else
        {
            throw new CliException("no files given and no datasets in a spec", "pass the JSONL files to describe");
        }
        var ids = project is null ? null : project.Spec.Objectives.Select(o => o.Id).Concat(project.Spec.Policies.Select(p => p.Id)).ToList();
        var counter = countTokens ? DataTokensCommand.ResolveCounter(env, parse, alias: null) : null;
        var builder = new DatasetStatisticsBuilder(counter, ids, seed);
        foreach (string path in paths)
        {
            await foreach (var record in DatasetReader.ReadFileAsync(path, ct))
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
        }
        var stats = builder.Build();
        var charts = chartDirectory is null
            ? []
            : Tailor.Data.Stats.Charts.StatisticsCharts.Write(stats, Path.GetFullPath(Path.Combine(env.WorkingDirectory, chartDirectory)), ids)
                .Select(p => DataFiles.Display(env, p)).ToList();
        if (json)
        {
            DataFiles.WriteJson(env, new
            {
                Files = paths.Select(p => DataFiles.Display(env, p)),
                stats.Lines,
                stats.Examples,
                stats.Conversations,
                stats.Texts,
                stats.Unreadable,
                Messages = Summary(stats.Messages),
                UserTurns = Summary(stats.UserTurns),
                Characters = Summary(stats.Characters),
                Tokens = stats.Tokens is null ? null : Summary(stats.Tokens),
                stats.Tokenizer,
                stats.TokensEstimated,
                Roles = stats.Roles.ToDictionary(r => r.Label, r => r.Count),
                stats.DistinctSystemPrompts,
                stats.WithoutSystemPrompt,
                TopSystemPrompts = stats.TopSystemPrompts.Select(s => new { Prompt = s.Label, s.Count }),
                stats.WithTools,
                stats.ToolCalls,
                Functions = stats.Functions.ToDictionary(f => f.Label, f => f.Count),
                stats.UntrainedAssistantMessages,
                stats.Sampled,
                stats.Distinct1,
                stats.Distinct2,
                TopPromptTrigrams = stats.TopPromptTrigrams.Select(t => new { Trigram = t.Label, t.Count }),
                PromptClusters = stats.PromptClusters.Select(c => new { c.Size, c.Example, c.FirstLine }),
                stats.ClusteredPromptShare,
                Tags = stats.Tags.ToDictionary(t => t.Label, t => t.Count),
                stats.Untagged,
                stats.Warnings,
                Charts = charts,
            });
            return ExitCodes.Ok;
        }

        var table = new Table().Border(TableBorder.Rounded).AddColumn("").AddColumn("value");
        void Row(string name, string value) => table.AddRow(Markup.Escape(name), value);
        Row("examples", $"{DataFiles.Count(stats.Examples)} ({DataFiles.Count(stats.Conversations)} conversations, {DataFiles.Count(stats.Texts)} texts)" + (stats.Unreadable > 0 ? $" [yellow]+{DataFiles.Count(stats.Unreadable)} unreadable[/]" : ""));
        Row("messages per example", Describe(stats.Messages));
        Row("user turns per example", Describe(stats.UserTurns));
        Row("characters per example", Describe(stats.Characters));
        if (stats.Tokens is { } tokenCounts)
        {
            Row($"tokens per example ({stats.Tokenizer}{(stats.TokensEstimated ? ", estimate" : "")})", Describe(tokenCounts));
        }
        Row("roles", Markup.Escape(string.Join(", ", stats.Roles.Select(r => $"{r.Label} {r.Count}"))));
        Row("system prompts", $"{DataFiles.Count(stats.DistinctSystemPrompts)} distinct; {DataFiles.Count(stats.WithoutSystemPrompt)} example(s) without one");
        Row("tool use", $"{DataFiles.Count(stats.WithTools)} example(s) with tools, {DataFiles.Count(stats.ToolCalls)} call(s)" + (stats.Functions.Count > 0 ? Markup.Escape($": {string.Join(", ", stats.Functions.Select(f => $"{f.Label} {f.Count}"))}") : ""));
        Row("assistant messages not trained (weight 0)", DataFiles.Count(stats.UntrainedAssistantMessages));
        Row($"distinct-1 / distinct-2 (answers, {DataFiles.Count(stats.Sampled)} sampled)", $"{DataFiles.Number(stats.Distinct1)} / {DataFiles.Number(stats.Distinct2)}");
        Row("prompts with a near-identical twin", $"{stats.ClusteredPromptShare:P1}");
        env.Out.Write(table);

        if (stats.Tags.Count > 0 || stats.Untagged > 0)
        {
            var tags = new Table().Border(TableBorder.Rounded).AddColumn("tag (objective / policy)").AddColumn(new TableColumn("examples").RightAligned()).AddColumn("");
            long max = Math.Max(1, stats.Tags.Count > 0 ? stats.Tags.Max(t => t.Count) : 1);
            foreach (var tag in stats.Tags)
            {
                tags.AddRow(Markup.Escape(tag.Label), DataFiles.Count(tag.Count), new string('█', (int)Math.Max(1, 30 * tag.Count / max)));
            }
            foreach (string missing in ids?.Where(id => stats.Tags.All(t => t.Label != id)) ?? [])
            {
                tags.AddRow($"[yellow]{Markup.Escape(missing)}[/]", "[yellow]0[/]", "");
            }
            tags.AddRow("[grey](untagged)[/]", DataFiles.Count(stats.Untagged), "");
            env.Out.Write(tags);
        }
        if (stats.PromptClusters.Count > 0)
        {
            env.Out.MarkupLine("[bold]largest clusters of similar prompts[/]");
            foreach (var cluster in stats.PromptClusters.Take(5))
            {
                env.Out.MarkupLine($"  {cluster.Size} x [grey](line {cluster.FirstLine})[/] {Markup.Escape(cluster.Example)}");
            }
        }
        if (stats.TopPromptTrigrams.Count > 0)
        {
            env.Out.MarkupLine($"[bold]frequent prompt trigrams[/]: {Markup.Escape(string.Join(", ", stats.TopPromptTrigrams.Take(8).Select(t => $"\"{t.Label}\" {t.Count}")))}");
        }
        foreach (string warning in stats.Warnings)
        {
            env.Out.MarkupLine($"[yellow]warning:[/] {Markup.Escape(warning)}");
        }
        if (charts.Count > 0)
        {
            env.Out.MarkupLine($"charts: {Markup.Escape(string.Join(", ", charts))}");
        }
        return ExitCodes.Ok;
    }

    private static object Summary(Distribution d) => new { d.Count, d.Min, d.P50, d.P90, d.P99, d.Max, d.Mean };

    private static string Describe(Distribution d) =>
        d.Count == 0 ? "-" : $"min {DataFiles.Number(d.Min)}, median {DataFiles.Number(d.P50)}, p90 {DataFiles.Number(d.P90)}, max {DataFiles.Number(d.Max)}, mean {DataFiles.Number(d.Mean)}";
}
