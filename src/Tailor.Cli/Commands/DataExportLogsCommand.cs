using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Tailor.Data.Export;
using Tailor.Data.Formats;

namespace Tailor.Cli.Commands;

/// <summary>
/// <c>tailor data export-logs -o data/from-logs.jsonl</c>: training examples from the project's
/// interaction store, filtered (time, route, model, source, moderation, feedback), corrections in
/// place of answers, each naming the interaction it came from.
/// </summary>
internal static class DataExportLogsCommand
{
    public static Command Create(CliEnvironment env)
    {
        var output = new Option<string>("--output", "-o") { Description = "The JSONL file to write", Required = true };
        var format = DataFiles.FormatOption("mistral or openai (default: openai)");
        var since = new Option<string?>("--since") { Description = "Interactions from this time (ISO 8601, e.g. 2026-11-01 or 2026-11-01T09:00Z)" };
        var until = new Option<string?>("--until") { Description = "Interactions before this time" };
        var route = new Option<string?>("--route") { Description = "Only this gateway route or model alias" };
        var model = new Option<string?>("--model") { Description = "Only answers from this model id" };
        var source = new Option<string?>("--source") { Description = "Only interactions from this source (gateway, chat, ask, ...)" };
        var minFeedback = new Option<double?>("--min-feedback") { Description = "Only interactions rated at least this (1-5; a thumbs up counts as 5, down as 1)" };
        var feedback = new Option<string?>("--feedback") { Description = "Read feedback from a JSONL of {interaction_id, score, correction} instead of the store" };
        var includeFlagged = new Option<bool>("--include-flagged") { Description = "Keep interactions the moderation layer flagged, blocked or redacted" };
        var includeEval = new Option<bool>("--include-eval") { Description = "Keep the eval runner's own calls (left out by default: they answer the eval suite)" };
        var noCorrections = new Option<bool>("--no-corrections") { Description = "Keep the model's answer even where a correction exists" };
        var noSystem = new Option<bool>("--no-system-prompt") { Description = "Leave out the system prompt the model saw" };
        var limit = new Option<long?>("--limit") { Description = "At most this many examples" };
        var json = DataFiles.JsonOption();
        var command = new Command("export-logs", "Turn logged interactions into training examples, with filters and lineage");
        foreach (var option in new Option[] { output, format, since, until, route, model, source, minFeedback, feedback, includeFlagged, includeEval, noCorrections, noSystem, limit, json })
        {
            command.Options.Add(option);
        }
        command.SetAction((parse, ct) => RunAsync(env, parse, parse.GetValue(output)!, DataFiles.ParseFormat(parse.GetValue(format)) ?? Tailor.Data.DatasetFormat.OpenAI, parse.GetValue(feedback), new LogExportFilter
        {
            Since = Time(parse.GetValue(since), "--since"),
            Until = Time(parse.GetValue(until), "--until"),
            Route = parse.GetValue(route),
            Model = parse.GetValue(model),
            Source = parse.GetValue(source),
            MinFeedback = parse.GetValue(minFeedback),
            ExcludeFlagged = !parse.GetValue(includeFlagged),
            IncludeEvalTraffic = parse.GetValue(includeEval),
            ApplyCorrections = !parse.GetValue(noCorrections),
            IncludeSystemPrompt = !parse.GetValue(noSystem),
            Limit = parse.GetValue(limit),
        }, parse.GetValue(json), ct));
        return command;
    }

    private static DateTimeOffset? Time(string? text, string option)
    {
        if (text is null)
        {
            return null;
        }
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : throw new CliException($"{option} '{text}' is not a date or time", "write ISO 8601: 2026-11-01 or 2026-11-01T09:00:00Z");
    }

    private static async Task<int> RunAsync(CliEnvironment env, ParseResult parse, string outputPath, Tailor.Data.DatasetFormat format, string? feedbackPath, LogExportFilter filter, bool json, CancellationToken ct)
    {
        if (format == Tailor.Data.DatasetFormat.Text)
        {
            throw new CliException("logs are conversations: export them as mistral or openai");
        }
        var project = Project.Load(parse, env);
        IFeedbackLookup? feedback = null;
        if (feedbackPath is not null)
        {
            try
            {
                feedback = await FeedbackFile.LoadAsync(DataFiles.Input(env, feedbackPath), feedbackPath, ct);
            }
            catch (InvalidDataException ex)
            {
                throw new CliException(ex.Message, "each line is {\"interaction_id\": \"...\", \"score\": 4, \"correction\": \"...\"}");
            }
        }
        string output = DataFiles.Output(env, outputPath);
        var result = new LogExportResult();
        using var outputs = new DataOutputs();
        await using (var store = await project.OpenGatewayStoreAsync(ct))
        await using (var file = outputs.Create(output))
        {
            // Feedback recorded through the gateway, unless a file was given.
            feedback ??= new StoreFeedbackLookup(store);
            await foreach (var example in new LogExporter(store, feedback).ExportAsync(filter, result, ct))
            {
                await file.WriteAsync(ConversationWriter.ToJsonLine(example, format), ct);
                file.WriteByte((byte)'\n');
            }
        }
        outputs.Commit();
        if (json)
        {
            DataFiles.WriteJson(env, new
            {
                Output = DataFiles.Display(env, output),
                Format = format.ToString().ToLowerInvariant(),
                result.Read,
                result.Exported,
                result.Corrected,
                result.Skipped,
            });
            return ExitCodes.Ok;
        }
        env.Out.MarkupLine($"exported {DataFiles.Count(result.Exported)} of {DataFiles.Count(result.Read)} interaction(s) to [bold]{Markup.Escape(DataFiles.Display(env, output))}[/]" + (result.Corrected > 0 ? $" ({DataFiles.Count(result.Corrected)} with corrections)" : ""));
        foreach (var (reason, count) in result.Skipped.OrderByDescending(s => s.Value))
        {
            env.Out.MarkupLine($"  [grey]skipped {DataFiles.Count(count)}: {Markup.Escape(reason)}[/]");
        }
        if (result.Exported > 0)
        {
            env.Out.MarkupLine("next: [bold]tailor data validate[/], [bold]tailor data dedup[/], [bold]tailor data decontaminate[/]");
        }
        return ExitCodes.Ok;
    }
}
