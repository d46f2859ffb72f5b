using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Spectre.Console;
using Tailor.Store;

namespace Tailor.Cli.Commands;

/// <summary><c>tailor logs tail|show|prune</c>: read the interaction log the gateway (and ask, chat) wrote, and apply retention.</summary>
internal static class LogsCommand
{
    /// <summary>How many of the newest interactions <c>logs tail --follow</c> reads each second to find the new ones.</summary>
    private const int FollowWindow = 1000;

    public static Command Create(CliEnvironment env)
    {
        var command = new Command("logs", "The interaction log: recent exchanges, one in full, retention");
        command.Subcommands.Add(TailCommand(env));
        command.Subcommands.Add(ShowCommand(env));
        command.Subcommands.Add(PruneCommand(env));
        return command;
    }

    private static Command TailCommand(CliEnvironment env)
    {
        var count = new Option<int>("-n", "--lines") { Description = "How many recent interactions", DefaultValueFactory = _ => 20 };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new interactions as they are logged (Ctrl+C stops)" };
        var route = new Option<string?>("--route") { Description = "Only this route (or model alias)" };
        var key = new Option<string?>("--key") { Description = "Only this API key id" };
        var status = new Option<InteractionStatus?>("--status") { Description = "Only Ok, Error or Cancelled" };
        var since = new Option<string?>("--since") { Description = "Only interactions started within this long ago: 15m, 12h, 7d" };
        var json = new Option<bool>("--json") { Description = "One JSON object per line" };
        var command = new Command("tail", "Print the most recent interactions, oldest first");
        foreach (var option in new Option[] { count, follow, route, key, status, since, json })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, ct) =>
        {
            int lines = parse.GetValue(count);
            if (lines <= 0)
            {
                throw new CliException($"-n must be greater than 0, got {lines}");
            }

            var project = Project.Load(parse, env);
            await using var store = await project.OpenGatewayStoreAsync(ct);
            var query = new InteractionQuery
            {
                Route = parse.GetValue(route),
                KeyId = parse.GetValue(key),
                Status = parse.GetValue(status),
                Since = parse.GetValue(since) is { } ago ? env.TimeProvider.GetUtcNow() - CliDurations.Parse(ago, "--since") : null,
                Limit = lines,
            };
            bool asJson = parse.GetValue(json);
            bool following = parse.GetValue(follow);
            // A follow reads its first window in the same query: the lines printed are its newest.
            var first = await store.QueryAsync(following ? query with { Limit = Math.Max(lines, FollowWindow) } : query, ct).ToListAsync(ct);
            foreach (var interaction in first.Take(lines).Reverse())
            {
                Print(env, interaction, asJson);
            }

            if (!following)
            {
                return ExitCodes.Ok;
            }

            // What is new is what the newest window did not hold a second ago: a record is written when its request
            // ends, so a long stream lands behind requests that started after it and ended before it.
            var followed = query with { Limit = FollowWindow };
            var seen = first.Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), env.TimeProvider, ct);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                var window = await store.QueryAsync(followed, ct).ToListAsync(ct);
                foreach (var interaction in window.Where(i => !seen.Contains(i.Id)).Reverse())
                {
                    Print(env, interaction, asJson);
                }
                seen = window.Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command ShowCommand(CliEnvironment env)
    {
        var id = new Argument<string>("id") { Description = "Interaction id (x-tailor-interaction-id, or the completion id)" };
        var json = new Option<bool>("--json") { Description = "Print the record as JSON" };
        var command = new Command("show", "Print one interaction in full, with its feedback");
        command.Arguments.Add(id);
        command.Options.Add(json);
        command.SetAction(async (parse, ct) =>
        {
            string wanted = parse.GetValue(id)!.Trim();
            wanted = wanted.StartsWith("chatcmpl-", StringComparison.Ordinal) ? wanted["chatcmpl-".Length..] : wanted;
            var project = Project.Load(parse, env);
            await using var store = await project.OpenGatewayStoreAsync(ct);
            var interaction = await store.GetAsync(wanted, ct)
                ?? throw new CliException($"no interaction '{wanted}' in the store", "tailor logs tail lists recent ids");
            var feedback = await store.QueryFeedbackAsync(new FeedbackQuery { InteractionId = interaction.Id }, ct).ToListAsync(ct);
            if (parse.GetValue(json))
            {
                env.WriteRawLine(JsonSerializer.Serialize(new { interaction = View(interaction), feedback }, CliJson.Indented));
                return ExitCodes.Ok;
            }

            var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
            void Row(string name, string? value) => grid.AddRow($"[grey]{name}[/]", Markup.Escape(value ?? "-"));
            Row("id", interaction.Id);
            Row("started", interaction.StartedAt.ToString("u", CultureInfo.InvariantCulture));
            Row("status", interaction.Status.ToString().ToLowerInvariant() + (interaction.Error is { } error ? $": {error}" : ""));
            Row("source", interaction.Source);
            Row("route", interaction.Route);
            Row("model", $"{interaction.ModelId} ({interaction.Provider})");
            Row("key", interaction.KeyId);
            Row("prompt", interaction.PromptVersion is null ? null : $"{interaction.PromptId}@{interaction.PromptVersion}");
            Row("tokens", $"{interaction.InputTokens?.ToString(CultureInfo.InvariantCulture) ?? "?"} in / {interaction.OutputTokens?.ToString(CultureInfo.InvariantCulture) ?? "?"} out");
            Row("latency", interaction.LatencyMs is { } ms ? string.Create(CultureInfo.InvariantCulture, $"{ms:0.0} ms") + (interaction.TimeToFirstTokenMs is { } t ? string.Create(CultureInfo.InvariantCulture, $" (first token {t:0.0} ms)") : "") : null);
            Row("finish", interaction.FinishReason);
            Row("options", interaction.RequestOptionsJson);
            Row("metadata", interaction.MetadataJson);
            env.Out.Write(grid);
            foreach (var message in interaction.Request)
            {
                WriteMessage(env, message);
            }

            env.Out.MarkupLine("[grey]--- response[/]");
            foreach (var message in interaction.Response)
            {
                WriteMessage(env, message);
            }

            foreach (var f in feedback)
            {
                env.Out.MarkupLine($"[grey]feedback[/] {Markup.Escape($"{f.CreatedAt:u} thumbs={f.Thumbs?.ToString(CultureInfo.InvariantCulture) ?? "-"} score={f.Score?.ToString(CultureInfo.InvariantCulture) ?? "-"} rater={f.Rater ?? "-"}")}");
                if (f.Comment is { } comment)
                {
                    env.Out.MarkupLine($"  [grey]comment:[/] {Markup.Escape(comment)}");
                }

                if (f.Correction is { } correction)
                {
                    env.Out.MarkupLine($"  [grey]correction:[/] {Markup.Escape(correction)}");
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command PruneCommand(CliEnvironment env)
    {
        var olderThan = new Option<string>("--older-than") { Description = "Delete interactions (and their feedback) older than this: 30d, 12h, 2w", Required = true };
        var dryRun = new Option<bool>("--dry-run") { Description = "Only count what would be deleted" };
        var command = new Command("prune", "Delete old interactions and their feedback (retention)");
        command.Options.Add(olderThan);
        command.Options.Add(dryRun);
        command.SetAction(async (parse, ct) =>
        {
            var age = CliDurations.Parse(parse.GetValue(olderThan)!, "--older-than");
            var cutoff = env.TimeProvider.GetUtcNow() - age;
            var project = Project.Load(parse, env);
            await using var store = await project.OpenGatewayStoreAsync(ct);
            if (parse.GetValue(dryRun))
            {
                long count = await store.CountAsync(new InteractionQuery { Until = cutoff }, ct);
                env.Out.MarkupLine($"would delete {count} interaction(s) started before {cutoff:u}");
                return ExitCodes.Ok;
            }

            long deleted = await store.PruneAsync(cutoff, ct);
            env.Out.MarkupLine($"deleted {deleted} interaction(s) started before {cutoff:u}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Print(CliEnvironment env, Interaction i, bool json)
    {
        if (json)
        {
            env.WriteRawLine(JsonSerializer.Serialize(View(i), CliJson.Compact));
            return;
        }

        string question = i.Request.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? "";
        question = question.ReplaceLineEndings(" ");
        if (question.Length > 60)
        {
            question = question[..60] + "…";
        }

        string colour = i.Status switch { InteractionStatus.Ok => "green", InteractionStatus.Error => "red", _ => "yellow" };
        string tokens = i.InputTokens is null && i.OutputTokens is null ? "" : $" {i.InputTokens ?? 0}+{i.OutputTokens ?? 0} tok";
        string latency = i.LatencyMs is { } ms ? string.Create(CultureInfo.InvariantCulture, $" {ms:0}ms") : "";
        env.Out.MarkupLine(
            $"[grey]{i.StartedAt.UtcDateTime:HH:mm:ss}[/] {Markup.Escape(i.Id)} [{colour}]{i.Status.ToString().ToLowerInvariant()}[/] " +
            $"{Markup.Escape($"{i.Route ?? "-"} -> {i.ModelId ?? "-"}{tokens}{latency}")} [grey]{Markup.Escape(question)}[/]");
    }

    private static void WriteMessage(CliEnvironment env, ChatMessage message)
    {
        env.Out.MarkupLine($"[bold]{Markup.Escape(message.Role.Value)}:[/]");
        if (message.Text.Length > 0)
        {
            env.WriteRawLine(message.Text);
        }

        foreach (var call in message.Contents.OfType<FunctionCallContent>())
        {
            env.WriteRawLine($"  tool call {call.Name}({JsonSerializer.Serialize(call.Arguments)}) [{call.CallId}]");
        }
    }

    private static object View(Interaction i) => new
    {
        id = i.Id,
        started_at = i.StartedAt,
        completed_at = i.CompletedAt,
        source = i.Source,
        route = i.Route,
        provider = i.Provider,
        model_id = i.ModelId,
        key_id = i.KeyId,
        session_id = i.SessionId,
        prompt_id = i.PromptId,
        prompt_version = i.PromptVersion,
        status = i.Status,
        error = i.Error,
        finish_reason = i.FinishReason,
        input_tokens = i.InputTokens,
        output_tokens = i.OutputTokens,
        streamed = i.Streamed,
        latency_ms = i.LatencyMs,
        ttft_ms = i.TimeToFirstTokenMs,
        request = i.Request.Select(m => new { role = m.Role.Value, text = m.Text }),
        response = i.Response.Select(m => new { role = m.Role.Value, text = m.Text }),
        metadata = i.MetadataJson is { } metadata ? JsonDocument.Parse(metadata).RootElement : (JsonElement?)null,
    };
}
