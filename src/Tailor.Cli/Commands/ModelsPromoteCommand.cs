using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using Tailor.Cli.Rendering;
using Tailor.Tuning.Aliases;

namespace Tailor.Cli.Commands;

/// <summary>
/// <c>tailor models promote &lt;alias&gt; &lt;model&gt;</c> and <c>tailor models rollback &lt;alias&gt;</c>: point a model
/// alias of tailor.yaml at a registered model, and back. Only the alias's own keys change (comments and layout stay);
/// the edit is checked with the spec loader before it replaces the file; the previous text is kept in the store, and a
/// rollback writes it back byte for byte.
/// </summary>
internal static class ModelsPromoteCommand
{
    public static Command CreatePromote(CliEnvironment env)
    {
        var alias = new Argument<string>("alias") { Description = "A model alias of tailor.yaml (e.g. candidate)" };
        var model = new Argument<string>("model") { Description = "A registered model id or a unique prefix of one" };
        var json = TuneCommand.JsonOption("the change");
        var command = new Command("promote", "Point a model alias of tailor.yaml at a registered model (keeps the previous value for rollback)");
        command.Arguments.Add(alias);
        command.Arguments.Add(model);
        command.Options.Add(json);
        command.SetAction(async (parse, ct) =>
        {
            await using var workspace = await TuneWorkspace.OpenAsync(parse, env, null, ct);
            return await TuneWorkspace.GuardAsync(async () =>
            {
                var registered = await workspace.Manager.Registry.ResolveAsync(parse.GetValue(model)!, ct);
                var promotion = await Promoter(workspace).PromoteAsync(workspace.Project.Spec.SourcePath, parse.GetValue(alias)!, registered, ct);
                Write(workspace, promotion, parse.GetValue(json), rollback: false);
                return ExitCodes.Ok;
            });
        });
        return command;
    }

    public static Command CreateRollback(CliEnvironment env)
    {
        var alias = new Argument<string>("alias") { Description = "The model alias to restore" };
        var force = new Option<bool>("--force") { Description = "Restore even when the alias was edited by hand since the promotion" };
        var json = TuneCommand.JsonOption("the change");
        var command = new Command("rollback", "Give a model alias back what it held before its latest promotion");
        command.Arguments.Add(alias);
        command.Options.Add(force);
        command.Options.Add(json);
        command.SetAction(async (parse, ct) =>
        {
            await using var workspace = await TuneWorkspace.OpenAsync(parse, env, null, ct);
            return await TuneWorkspace.GuardAsync(async () =>
            {
                var promotion = await Promoter(workspace).RollbackAsync(workspace.Project.Spec.SourcePath, parse.GetValue(alias)!, parse.GetValue(force), ct);
                Write(workspace, promotion, parse.GetValue(json), rollback: true);
                return ExitCodes.Ok;
            });
        });
        return command;
    }

    private static AliasPromoter Promoter(TuneWorkspace workspace) => new(workspace.Store, workspace.Env.TimeProvider);

    private static void Write(TuneWorkspace workspace, AliasPromotion promotion, bool json, bool rollback)
    {
        var env = workspace.Env;
        string file = Path.GetRelativePath(env.WorkingDirectory, promotion.SpecPath);
        var changed = promotion.Before.Keys.Union(promotion.After.Keys)
            .Where(k => !string.Equals(promotion.Before.GetValueOrDefault(k), promotion.After.GetValueOrDefault(k), StringComparison.Ordinal))
            .ToList();
        if (json)
        {
            env.WriteRawLine(JsonSerializer.Serialize(new
            {
                Action = rollback ? "rollback" : "promote",
                Spec = file,
                promotion.Alias,
                Model = promotion.ModelId,
                promotion.Changed,
                promotion.ChangeId,
                Keys = changed.Select(k => new { Key = k, Before = Value(promotion.Before.GetValueOrDefault(k)), After = Value(promotion.After.GetValueOrDefault(k)) }),
            }, CliJson.Indented));
        }
        else
        {
            if (!promotion.Changed && !rollback)
            {
                env.Out.MarkupLine($"models.{Markup.Escape(promotion.Alias)} already serves [bold]{Markup.Escape(promotion.ModelId ?? "")}[/]; {Markup.Escape(file)} is unchanged");
            }
            else
            {
                env.Out.MarkupLine(rollback
                    ? $"[green]rolled back[/] models.{Markup.Escape(promotion.Alias)} in {Markup.Escape(file)} to what it held before [bold]{Markup.Escape(promotion.ModelId ?? "")}[/]"
                    : $"[green]promoted[/] [bold]{Markup.Escape(promotion.ModelId ?? "")}[/] to models.{Markup.Escape(promotion.Alias)} in {Markup.Escape(file)}");
                foreach (string key in changed)
                {
                    env.Out.MarkupLine($"  {Markup.Escape(key)}: {Markup.Escape(Value(promotion.Before.GetValueOrDefault(key)) ?? "(absent)")} -> {Markup.Escape(Value(promotion.After.GetValueOrDefault(key)) ?? "(absent)")}");
                }

                if (!rollback)
                {
                    env.Out.MarkupLine($"[grey]undo with:[/] tailor models rollback {Markup.Escape(promotion.Alias)}");
                }
            }
        }

        // the edited alias's own warnings (a model file that is not there, say); the rest of the spec is 'tailor spec check's business
        string prefix = $"models.{promotion.Alias}";
        DiagnosticRenderer.Write(env.Error, promotion.Warnings
            .Where(w => w.Field == prefix || w.Field.StartsWith(prefix + ".", StringComparison.Ordinal))
            .Select(w => w with { File = Path.Combine(Path.GetDirectoryName(promotion.SpecPath)!, w.File) }), env.WorkingDirectory);
    }

    /// <summary>A key's YAML text as written after its colon, without the leading space (null: the key is absent).</summary>
    private static string? Value(string? suffix) => suffix?.Trim();
}
