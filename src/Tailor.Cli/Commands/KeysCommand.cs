using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Tailor.Gateway.Keys;
using Tailor.Store;

namespace Tailor.Cli.Commands;

/// <summary>
/// <c>tailor keys create|list|revoke</c>: the gateway's API keys for a private beta. A key is printed once, when it is
/// created; the store keeps only its hash, so a lost key is revoked and replaced, never recovered.
/// </summary>
internal static class KeysCommand
{
    public static Command Create(CliEnvironment env)
    {
        var command = new Command("keys", "API keys of the gateway: create, list, revoke");
        command.Subcommands.Add(CreateCommand(env));
        command.Subcommands.Add(ListCommand(env));
        command.Subcommands.Add(RevokeCommand(env));
        return command;
    }

    private static Command CreateCommand(CliEnvironment env)
    {
        var name = new Option<string>("--name") { Description = "Who or what the key is for (alice, beta-web)", Required = true };
        var rpm = new Option<int?>("--rpm") { Description = "Requests per minute allowed (default: unlimited)" };
        var tpm = new Option<int?>("--tpm") { Description = "Tokens per minute allowed (default: unlimited)" };
        var quota = new Option<long?>("--quota") { Description = "Total tokens the key may ever use (default: unlimited)" };
        var expires = new Option<string?>("--expires-in") { Description = "Lifetime, e.g. 30d, 12h (default: never expires)" };
        var json = new Option<bool>("--json") { Description = "Print the key and its record as JSON" };
        var command = new Command("create", "Create an API key and print it once");
        foreach (var option in new Option[] { name, rpm, tpm, quota, expires, json })
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, ct) =>
        {
            int? requests = Positive(parse.GetValue(rpm), "--rpm");
            int? tokens = Positive(parse.GetValue(tpm), "--tpm");
            long? total = parse.GetValue(quota) is { } q && q <= 0 ? throw new CliException("--quota must be greater than 0") : parse.GetValue(quota);
            var now = env.TimeProvider.GetUtcNow();
            DateTimeOffset? expiresAt = parse.GetValue(expires) is { } lifetime ? now + Lifetime(lifetime) : null;
            string who = parse.GetValue(name)!.Trim();
            if (who.Length == 0)
            {
                throw new CliException("--name must not be empty", "say who or what the key is for, e.g. --name alice");
            }

            var project = Project.Load(parse, env);
            await using var store = await project.OpenGatewayStoreAsync(ct);
            var (record, key) = ApiKeys.Create(who, now, requests, tokens, total, expiresAt);
            await store.AddKeyAsync(record, ct);
            if (parse.GetValue(json))
            {
                env.WriteRawLine(JsonSerializer.Serialize(new { key, record = View(record) }, CliJson.Indented));
                return ExitCodes.Ok;
            }

            env.WriteRawLine(key);
            env.Error.MarkupLine($"[green]created[/] key [bold]{Markup.Escape(record.Id)}[/] for {Markup.Escape(record.Name)}. " +
                "[yellow]This is the only time the key is shown:[/] store it now (it is kept only as a hash).");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command ListCommand(CliEnvironment env)
    {
        var json = new Option<bool>("--json") { Description = "Print the keys as JSON" };
        var command = new Command("list", "List API keys (never the keys themselves): limits, usage, state");
        command.Options.Add(json);
        command.SetAction(async (parse, ct) =>
        {
            var project = Project.Load(parse, env);
            await using var store = await project.OpenGatewayStoreAsync(ct);
            var keys = await store.ListKeysAsync(ct);
            if (parse.GetValue(json))
            {
                env.WriteRawLine(JsonSerializer.Serialize(keys.Select(View), CliJson.Indented));
                return ExitCodes.Ok;
            }

            if (keys.Count == 0)
            {
                env.Out.MarkupLine("no keys yet; create one with [bold]tailor keys create --name <who>[/]");
                return ExitCodes.Ok;
            }

            var now = env.TimeProvider.GetUtcNow();
            var table = new Table().Border(TableBorder.Rounded);
            foreach (var column in new[] { "id", "name", "state", "created", "rpm", "tpm", "tokens used", "last used" })
            {
                table.AddColumn(column);
            }

            foreach (var key in keys)
            {
                string state = key.RevokedAt is not null ? "[red]revoked[/]" : key.ExpiresAt <= now ? "[yellow]expired[/]" : "[green]active[/]";
                table.AddRow(
                    Markup.Escape(key.Id), Markup.Escape(key.Name), state, Date(key.CreatedAt),
                    key.RequestsPerMinute?.ToString(CultureInfo.InvariantCulture) ?? "-", key.TokensPerMinute?.ToString(CultureInfo.InvariantCulture) ?? "-",
                    key.TokenQuota is { } quota ? $"{key.TokensUsed:N0} / {quota:N0}" : key.TokensUsed.ToString("N0", CultureInfo.InvariantCulture),
                    key.LastUsedAt is { } used ? Date(used) : "-");
            }

            env.Out.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command RevokeCommand(CliEnvironment env)
    {
        var id = new Argument<string>("id") { Description = "The key's id (from tailor keys list), or the key itself" };
        var command = new Command("revoke", "Revoke an API key; gateways refuse it within 30 seconds");
        command.Arguments.Add(id);
        command.SetAction(async (parse, ct) =>
        {
            string given = parse.GetValue(id)!.Trim();
            // Accept the whole key too (people paste what they have), but never print it back.
            string keyId = ApiKeys.TryParse(given, out var parsed, out _) ? parsed : given;
            var project = Project.Load(parse, env);
            await using var store = await project.OpenGatewayStoreAsync(ct);
            var key = await store.GetKeyAsync(keyId, ct)
                ?? throw new CliException(
                    given.StartsWith(ApiKeys.Prefix, StringComparison.Ordinal) ? "no key in this store matches the key given" : $"no key with id '{keyId}'",
                    "tailor keys list shows the ids");
            if (!await store.RevokeKeyAsync(key.Id, env.TimeProvider.GetUtcNow(), ct))
            {
                env.Out.MarkupLine($"key [bold]{Markup.Escape(key.Id)}[/] was already revoked");
                return ExitCodes.Ok;
            }

            env.Out.MarkupLine($"[green]revoked[/] key [bold]{Markup.Escape(key.Id)}[/] ({Markup.Escape(key.Name)}); running gateways refuse it within 30 seconds");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static object View(ApiKeyRecord key) => new
    {
        id = key.Id,
        name = key.Name,
        created_at = key.CreatedAt,
        expires_at = key.ExpiresAt,
        revoked_at = key.RevokedAt,
        requests_per_minute = key.RequestsPerMinute,
        tokens_per_minute = key.TokensPerMinute,
        token_quota = key.TokenQuota,
        tokens_used = key.TokensUsed,
        last_used_at = key.LastUsedAt,
    };

    // A key that expires as it is made is of no use: a lifetime of zero is a mistake, not a request.
    private static TimeSpan Lifetime(string value) =>
        CliDurations.Parse(value, "--expires-in") is var lifetime && lifetime > TimeSpan.Zero ? lifetime
            : throw new CliException($"--expires-in must be longer than 0, got '{value}'", "e.g. 30d or 12h; leave it out for a key that never expires");

    private static int? Positive(int? value, string option) =>
        value is <= 0 ? throw new CliException($"{option} must be greater than 0", "leave it out for no limit") : value;

    private static string Date(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}
