using System.CommandLine;
using Spectre.Console;
using Tailor.Data;
using Tailor.Data.Formats;

namespace Tailor.Cli.Commands;

/// <summary>
/// <c>tailor data convert in.jsonl --to mistral -o out.jsonl</c>: rewrites every readable line in the
/// target format (Mistral call ids made valid consistently; OpenAI gets a system message for a
/// <c>system_prompt</c>); a line that cannot be read goes verbatim to <c>&lt;out&gt;.rejected.jsonl</c>.
/// </summary>
internal static class DataConvertCommand
{
    public static Command Create(CliEnvironment env)
    {
        var input = new Argument<string>("input") { Description = "A JSONL file in any supported format (Mistral, OpenAI, text, ShareGPT)" };
        var to = new Option<string>("--to") { Description = "Target format: mistral, openai or text", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "The converted file", Required = true };
        var json = DataFiles.JsonOption();
        var command = new Command("convert", "Convert a dataset between the Mistral, OpenAI and text formats (ShareGPT is read too)");
        command.Arguments.Add(input);
        command.Options.Add(to);
        command.Options.Add(output);
        command.Options.Add(json);
        command.SetAction((parse, ct) => RunAsync(env, parse.GetValue(input)!, parse.GetValue(to)!, parse.GetValue(output)!, parse.GetValue(json), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliEnvironment env, string inputPath, string to, string outputPath, bool json, CancellationToken ct)
    {
        var format = DataFiles.ParseFormat(to)!.Value;
        string input = DataFiles.Input(env, inputPath);
        string output = DataFiles.Output(env, outputPath, input);
        string rejectedPath = DataFiles.Beside(output, "rejected");
        long converted = 0, rejected = 0;
        var problems = new List<string>();
        using var outputs = new DataOutputs();
        await using (var source = DatasetReader.OpenRead(input))
        await using (var target = outputs.Create(output))
        await using (var rejects = outputs.Create(rejectedPath))
        {
            var reader = new JsonlLineReader(source);
            var copier = new LineCopier(source);
            while (await reader.ReadAsync(ct) is { } line)
            {
                string? reason = null;
                if (line.IsBlank)
                {
                    reason = "blank line";
                }
                else if (line.IsTooLong)
                {
                    reason = "line over the 64 MiB limit";
                }
                else
                {
                    var parsed = ConversationLineParser.Parse(line.Content);
                    if (parsed.Conversation is { } conversation && !parsed.HasErrors)
                    {
                        if (format == DatasetFormat.Text && !conversation.IsText)
                        {
                            reason = "a conversation has no pretraining text";
                        }
                        else if (format != DatasetFormat.Text && conversation.IsText)
                        {
                            reason = "a pretraining text is not a conversation";
                        }
                        else
                        {
                            await target.WriteAsync(ConversationWriter.ToJsonLine(conversation, format), ct);
                            target.WriteByte((byte)'\n');
                            converted++;
                            continue;
                        }
                    }
                    else
                    {
                        reason = parsed.Issues.FirstOrDefault(i => i.Severity == Tailor.Data.Validation.IssueSeverity.Error)?.ToString() ?? "unreadable";
                    }
                }
                await copier.WriteAsync(line, rejects, ct);
                rejected++;
                if (problems.Count < 10)
                {
                    problems.Add($"{DataFiles.Display(env, input)}:{line.Number}: {reason}");
                }
            }
        }
        outputs.Commit();
        if (rejected == 0)
        {
            File.Delete(rejectedPath);
        }
        if (json)
        {
            DataFiles.WriteJson(env, new
            {
                Input = DataFiles.Display(env, input),
                Output = DataFiles.Display(env, output),
                Format = format.ToString().ToLowerInvariant(),
                Converted = converted,
                Rejected = rejected,
                RejectedFile = rejected > 0 ? DataFiles.Display(env, rejectedPath) : null,
                Problems = problems,
            });
        }
        else
        {
            env.Out.MarkupLine($"converted {DataFiles.Count(converted)} example(s) to {format.ToString().ToLowerInvariant()} in [bold]{Markup.Escape(DataFiles.Display(env, output))}[/]");
            if (rejected > 0)
            {
                foreach (string problem in problems)
                {
                    env.Out.MarkupLine($"[yellow]skipped[/] {Markup.Escape(problem)}");
                }
                env.Out.MarkupLine($"{DataFiles.Count(rejected)} line(s) could not be converted; they are in [bold]{Markup.Escape(DataFiles.Display(env, rejectedPath))}[/] as they were. Run 'tailor data validate' on the input for every reason.");
            }
        }
        return rejected > 0 ? ExitCodes.CheckFailed : ExitCodes.Ok;
    }
}
