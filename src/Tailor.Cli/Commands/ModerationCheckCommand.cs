using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Tailor.Moderation;
using Tailor.Moderation.Policies;
using Tailor.Spec;

namespace Tailor.Cli.Commands;

/// <summary>
/// <c>tailor moderation check "text"</c>: runs the moderation layer on one text and shows what each classifier found,
/// what the policies do, and the redacted text or the refusal. Exit 1 when anything is found, so scripts can gate on it.
/// </summary>
internal static class ModerationCheckCommand
{
    public static Command Create(CliEnvironment env)
    {
        var text = new Argument<string?>("text") { Description = "The text; '-' or nothing reads it from standard input", Arity = ArgumentArity.ZeroOrOne };
        var output = new Option<bool>("--output") { Description = "Judge it as a model answer (output) rather than a user message (input)" };
        var route = new Option<string?>("--route") { Description = "Apply this route's (model alias's) overrides" };
        var json = new Option<bool>("--json") { Description = "Print the verdict as JSON" };
        var setup = new ModerationSetup();
        var command = new Command("check", "Moderate one text: findings per classifier, the policies' action, the redacted text or the refusal (exit 1 when anything is found)");
        command.Arguments.Add(text);
        command.Options.Add(output);
        command.Options.Add(route);
        command.Options.Add(json);
        setup.AddTo(command);
        command.SetAction((parse, ct) => RunAsync(env, parse, setup, parse.GetValue(text), parse.GetValue(output), parse.GetValue(route), parse.GetValue(json), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliEnvironment env, ParseResult parse, ModerationSetup setup, string? text, bool output, string? route, bool json, CancellationToken ct)
    {
        if (text is null or "-")
        {
            text = await env.In.ReadToEndAsync(ct);
        }
        if (string.IsNullOrEmpty(text))
        {
            throw new CliException("no text given", "tailor moderation check \"some text\"  (or pipe it: cat message.txt | tailor moderation check -)");
        }

        var (moderator, spec) = setup.Create(parse, env);
        if (route is not null && spec is not null && !spec.Models.ContainsKey(route))
        {
            throw new CliException($"no route (model alias) '{route}' in tailor.yaml", $"known aliases: {string.Join(", ", spec.Models.Keys)}");
        }
        var direction = output ? ModerationDirection.Output : ModerationDirection.Input;
        var verdict = await moderator.ModerateAsync(new ModerationRequest(text, direction), route, ct);

        if (json)
        {
            WriteJson(env, text, verdict);
        }
        else
        {
            Render(env, text, verdict);
        }
        return verdict.Findings.Count > 0 ? ExitCodes.CheckFailed : ExitCodes.Ok;
    }

    private static void Render(CliEnvironment env, string text, ModerationVerdict verdict)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn("classifier").AddColumn("found").AddColumn("top scores");
        foreach (var result in verdict.Results)
        {
            string found = result.Error is not null ? $"[red]error:[/] {Markup.Escape(result.Error)}"
                : result.Flagged is { Count: > 0 } flagged ? Markup.Escape(string.Join(", ", flagged))
                : "[grey]nothing[/]";
            string top = string.Join(", ", result.Scores.Where(s => s.Score >= 0.05).OrderByDescending(s => s.Score).Take(3)
                .Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Category} {s.Score:0.00}")));
            table.AddRow(Markup.Escape(result.Classifier), found, Markup.Escape(top));
        }
        env.Out.Write(table);

        foreach (var finding in verdict.Findings)
        {
            string policies = finding.Policies.Count > 0 ? $" (policy {string.Join(", ", finding.Policies)})" : " (no policy: recorded only)";
            env.Out.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                $"  {Markup.Escape(finding.Category)} {finding.Score:0.00} by {Markup.Escape(string.Join("+", finding.Classifiers))} -> [bold]{finding.Action.ToName()}[/]{Markup.Escape(policies)}"));
        }
        foreach (var span in verdict.Results.SelectMany(r => r.Spans).Where(s => s.Label is not null).DistinctBy(s => (s.Start, s.Length)).Take(20))
        {
            env.Out.MarkupLine($"  [grey]{Markup.Escape(span.Label)} at {span.Start}..{span.Start + span.Length}[/]");
        }

        string colour = verdict.Action switch { PolicyAction.Block => "red", PolicyAction.Redact => "yellow", PolicyAction.Flag => "yellow", _ => "green" };
        env.Out.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"[{colour}]{verdict.Action.ToName()}[/] ({verdict.ElapsedMs:0.000} ms)"));
        if (verdict.Escalation is not null)
        {
            env.Out.MarkupLine($"[grey]{Markup.Escape(verdict.Escalation)}[/]");
        }
        if (verdict.Action == PolicyAction.Redact)
        {
            env.Out.MarkupLine("[grey]redacted:[/]");
            env.WriteRawLine(verdict.Redact(text));
        }
        if (verdict.Refusal is not null)
        {
            env.Out.MarkupLine("[grey]refusal:[/]");
            env.WriteRawLine(verdict.Refusal);
        }
    }

    private static void WriteJson(CliEnvironment env, string text, ModerationVerdict verdict)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("verdict");
            verdict.WriteTo(writer);
            writer.WriteStartArray("results");
            foreach (var result in verdict.Results)
            {
                writer.WriteStartObject();
                writer.WriteString("classifier", result.Classifier);
                if (result.Error is not null)
                {
                    writer.WriteString("error", result.Error);
                }
                writer.WriteStartObject("scores");
                foreach (var score in result.Scores)
                {
                    writer.WriteNumber(score.Category, Math.Round(score.Score, 4));
                }
                writer.WriteEndObject();
                writer.WriteStartArray("flagged");
                foreach (var category in result.Flagged ?? [])
                {
                    writer.WriteStringValue(category);
                }
                writer.WriteEndArray();
                writer.WriteStartArray("spans");
                foreach (var span in result.Spans)
                {
                    writer.WriteStartObject();
                    writer.WriteNumber("start", span.Start);
                    writer.WriteNumber("length", span.Length);
                    writer.WriteString("category", span.Category);
                    writer.WriteString("label", span.Label);
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            if (verdict.Action == PolicyAction.Redact)
            {
                writer.WriteString("redacted_text", verdict.Redact(text));
            }
            writer.WriteEndObject();
        }
        env.WriteRawLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
