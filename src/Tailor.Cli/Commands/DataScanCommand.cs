using System.CommandLine;
using Spectre.Console;
using Tailor.Data;
using Tailor.Data.Formats;
using Tailor.Data.Pii;
using Tailor.Moderation;
using Tailor.Moderation.Detectors;

namespace Tailor.Cli.Commands;

/// <summary>
/// <c>tailor data scan file --patterns pii.json</c>: finds personal data and secrets in every text of
/// a dataset with the given detectors, reports where (file:line, field, label), and with
/// <c>--redact -o out.jsonl</c> writes the dataset with each finding replaced by <c>[LABEL]</c>.
/// Exit 1 when something was found and not redacted.
/// </summary>
internal static class DataScanCommand
{
    public static Command Create(CliEnvironment env)
    {
        var file = new Argument<string>("file") { Description = "A JSONL dataset" };
        var patterns = new Option<string[]>("--patterns") { Description = "JSON files of [{label, category, pattern}] detectors, added to the built-in personal-data and secret detectors", AllowMultipleArgumentsPerToken = true };
        var redact = new Option<bool>("--redact") { Description = "Write the dataset with findings replaced by [LABEL] (needs --output)" };
        var output = new Option<string?>("--output", "-o") { Description = "The redacted file" };
        var json = DataFiles.JsonOption();
        var command = new Command("scan", "Find personal data and secrets in a dataset, and redact them");
        command.Arguments.Add(file);
        foreach (var option in new Option[] { patterns, redact, output, json })
        {
            command.Options.Add(option);
        }
        command.SetAction((parse, ct) => RunAsync(env, parse.GetValue(file)!, parse.GetValue(patterns) ?? [], parse.GetValue(redact), parse.GetValue(output), parse.GetValue(json), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliEnvironment env, string filePath, string[] patternFiles, bool redact, string? outputPath, bool json, CancellationToken ct)
    {
        if (redact != (outputPath is not null))
        {
            throw new CliException("--redact and --output go together", "tailor data scan data.jsonl --patterns pii.json --redact -o data.redacted.jsonl");
        }
        // The moderation layer's own detectors (checksummed cards and IBANs, e-mails, phones, national ids, API keys,
        // private keys, tokens) always run; user patterns add what only the user knows.
        var classifiers = new List<IModerationClassifier> { new PiiDetector(), new SecretsDetector() };
        foreach (string patternFile in patternFiles)
        {
            string path = DataFiles.Input(env, patternFile);
            try
            {
                classifiers.Add(PatternClassifier.Load(path, DataFiles.Display(env, path)));
            }
            catch (InvalidDataException ex)
            {
                throw new CliException(ex.Message, "each entry is {\"label\": \"employee_id\", \"category\": \"privacy\", \"pattern\": \"EMP-\\\\d{6}\"}");
            }
        }
        string input = DataFiles.Input(env, filePath);
        string display = DataFiles.Display(env, input);
        string? output = outputPath is null ? null : DataFiles.Output(env, outputPath, input);
        string? flaggedPath = output is null ? null : DataFiles.Beside(output, "flagged");
        var scanner = new DatasetPiiScanner(classifiers);
        var findings = new List<PiiFinding>();
        var byLabel = new Dictionary<string, long>(StringComparer.Ordinal);
        long lines = 0, withFindings = 0, unreadable = 0, flagged = 0, totalFindings = 0;
        using var outputs = new DataOutputs();

        await using (var source = DatasetReader.OpenRead(input))
        await using (var target = output is null ? null : outputs.Create(output))
        await using (var flaggedFile = flaggedPath is null ? null : outputs.Create(flaggedPath))
        {
            var reader = new JsonlLineReader(source);
            var copier = new LineCopier(source);
            while (await reader.ReadAsync(ct) is { } line)
            {
                lines++;
                var parsed = line.IsBlank || line.IsTooLong ? null : ConversationLineParser.Parse(line.Content, display, line.Number);
                if (parsed?.Conversation is not { } conversation)
                {
                    unreadable++;
                    if (target is not null)
                    {
                        await copier.WriteAsync(line, target, ct);
                    }
                    continue;
                }
                var found = await scanner.ScanAsync(conversation, line.Number, ct);
                if (found.Count > 0)
                {
                    withFindings++;
                    totalFindings += found.Count;
                    foreach (var finding in found)
                    {
                        byLabel[finding.Label] = byLabel.GetValueOrDefault(finding.Label) + 1;
                        if (findings.Count < 1000)
                        {
                            findings.Add(finding);
                        }
                    }
                }
                if (target is null)
                {
                    continue;
                }
                if (found.Count == 0)
                {
                    await copier.WriteAsync(line, target, ct);
                }
                else if (found.Any(f => f.Start < 0))
                {
                    // A classifier said "this text has it" without saying where: it cannot be redacted in place.
                    flagged++;
                    await copier.WriteAsync(line, flaggedFile!, ct);
                }
                else
                {
                    var format = parsed.Format switch
                    {
                        DatasetFormat.Mistral => DatasetFormat.Mistral,
                        DatasetFormat.Text => DatasetFormat.Text,
                        _ => DatasetFormat.OpenAI,
                    };
                    await target.WriteAsync(ConversationWriter.ToJsonLine(DatasetPiiScanner.Redact(conversation, found), format), ct);
                    target.WriteByte((byte)'\n');
                }
            }
        }
        outputs.Commit();
        if (flaggedPath is not null && flagged == 0)
        {
            File.Delete(flaggedPath);
        }

        if (json)
        {
            DataFiles.WriteJson(env, new
            {
                File = display,
                Detectors = classifiers.Select(c => c.Name),
                Lines = lines,
                Unreadable = unreadable,
                ExamplesWithFindings = withFindings,
                Findings = totalFindings,
                ByLabel = byLabel,
                Output = output is null ? null : DataFiles.Display(env, output),
                Flagged = flagged,
                FlaggedFile = flagged > 0 ? DataFiles.Display(env, flaggedPath!) : null,
                Details = findings.Select(f => new { f.Line, f.Field, f.Category, f.Label, f.Start, f.Length, f.Classifier }),
                DetailsTruncated = totalFindings > findings.Count,
            });
        }
        else
        {
            env.Out.MarkupLine($"{Markup.Escape(display)}: {DataFiles.Count(withFindings)} of {DataFiles.Count(lines)} example(s) contain {DataFiles.Count(totalFindings)} finding(s)"
                + (byLabel.Count > 0 ? Markup.Escape($": {string.Join(", ", byLabel.OrderByDescending(l => l.Value).Select(l => $"{l.Key} {l.Value}"))}") : ""));
            foreach (var finding in findings.Take(20))
            {
                env.Out.MarkupLine($"{Markup.Escape($"{display}:{finding.Line}")}: [yellow]{Markup.Escape(finding.Label)}[/] in {Markup.Escape(finding.Field)}{(finding.Start >= 0 ? $" at {finding.Start}" : "")}");
            }
            if (output is not null)
            {
                env.Out.MarkupLine($"wrote [bold]{Markup.Escape(DataFiles.Display(env, output))}[/] with the findings replaced by [[LABEL]]"
                    + (flagged > 0 ? $"; {DataFiles.Count(flagged)} example(s) flagged without a location are in [bold]{Markup.Escape(DataFiles.Display(env, flaggedPath!))}[/]" : ""));
            }
        }
        return (output is null && withFindings > 0) || flagged > 0 ? ExitCodes.CheckFailed : ExitCodes.Ok;
    }
}
