using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Tailor.Evals.Results;
using Tailor.Store.Sqlite;
using Tailor.Tuning;
using Tailor.Tuning.Aliases;
using Tailor.Tuning.Registry;

namespace Tailor.Cli.Commands;

/// <summary>
/// <c>tailor models show &lt;model&gt;</c>: a registered model and its lineage: the base it was trained from, the exact
/// data (files with SHA-256 and counts), the settings, the backend and job, what training measured, the aliases it was
/// promoted to, and the eval runs that used it.
/// </summary>
internal static class ModelsShowCommand
{
    private const int RunsScanned = 1000;

    public static Command Create(CliEnvironment env)
    {
        var id = new Argument<string>("model") { Description = "A model id or a unique prefix of one" };
        var json = TuneCommand.JsonOption("the model, its promotions and eval runs");
        var command = new Command("show", "A registered model with its lineage: base, data with hashes and counts, settings, job, metrics, promotions, eval runs");
        command.Arguments.Add(id);
        command.Options.Add(json);
        command.SetAction(async (parse, ct) =>
        {
            await using var workspace = await TuneWorkspace.OpenAsync(parse, env, null, ct);
            return await TuneWorkspace.GuardAsync(async () =>
            {
                var model = await workspace.Manager.Registry.ResolveAsync(parse.GetValue(id)!, ct);
                var spec = workspace.Project.Spec;
                var serves = ModelsCommand.AliasesServing(spec, model);
                var promotions = new List<AliasChange>();
                await foreach (var change in workspace.Store.ListAliasChangesAsync(spec.SourcePath, null, ct))
                {
                    if (change.ModelId == model.Id)
                    {
                        promotions.Add(change);
                    }
                }

                var runs = await EvalRunsAsync(workspace, model, ct);
                if (parse.GetValue(json))
                {
                    env.WriteRawLine(JsonSerializer.Serialize(new
                    {
                        Model = ModelsCommand.Json(model, serves),
                        Promotions = promotions.Select(p => new { p.Id, p.Alias, p.At, p.RolledBackAt, p.Before, p.After }),
                        EvalRuns = runs.Select(r => new { r.Id, Suite = r.SuiteId, Model = r.ModelAlias, r.ModelId, Status = r.Status.ToString().ToLowerInvariant(), r.StartedAt }),
                    }, CliJson.Indented));
                    return ExitCodes.Ok;
                }

                Write(env.Out, model, serves, promotions, runs);
                return ExitCodes.Ok;
            });
        });
        return command;
    }

    /// <summary>
    /// The eval runs whose recorded model is this one (its file or vendor id, or its registry id for adapters), read from
    /// the SQLite file of <c>store.path</c>, where <c>tailor eval run</c> keeps them whichever store the interactions use.
    /// </summary>
    private static async Task<List<EvalRun>> EvalRunsAsync(TuneWorkspace workspace, RegisteredModel model, CancellationToken ct)
    {
        var spec = workspace.Project.Spec;
        string path = spec.ResolvePath(spec.Store.Path);
        if (!File.Exists(path))
        {
            return [];
        }

        await using var evals = SqliteEvalStore.Open(path, workspace.Env.TimeProvider);
        var runs = new List<EvalRun>();
        await foreach (var run in evals.ListRunsAsync(new EvalRunQuery { Limit = RunsScanned }, ct))
        {
            if (run.ModelId is { } used && (used == model.Id || used == model.Reference
                || (model.Kind != TuningOutputKind.Hosted && spec.ResolvePath(used) == spec.ResolvePath(model.Reference))))
            {
                runs.Add(run);
            }
        }

        return runs;
    }

    private static void Write(IAnsiConsole console, RegisteredModel model, IReadOnlyList<string> serves, List<AliasChange> promotions, List<EvalRun> runs)
    {
        var lineage = model.Lineage;
        var table = new Table().Border(TableBorder.Rounded).HideHeaders().AddColumn("").AddColumn("");
        table.AddRow("model", $"[bold]{Markup.Escape(model.Id)}[/]" + (model.Description is { } d ? $" [grey]{Markup.Escape(d)}[/]" : ""));
        table.AddRow("kind", Markup.Escape($"{ModelsCommand.Kind(model.Kind)}, served by {model.Provider}"));
        table.AddRow("reference", Markup.Escape(model.Reference + (model.BaseReference is { } b ? $" over {b}" : "") + (model.BaseUrl is { } u ? $" at {u}" : "")));
        if (model.Sha256 is { } sha)
        {
            table.AddRow("sha256", Markup.Escape(sha + (model.Bytes is { } bytes ? string.Create(CultureInfo.InvariantCulture, $" ({bytes:N0} bytes)") : "")));
        }

        table.AddRow("source", Markup.Escape(model.Source == ModelSource.Tuned
            ? $"tuned on {lineage.Backend}, job {model.JobId}" + (lineage.ExternalJobId is { } ext && ext != model.JobId ? $" ({ext})" : "")
            : "imported" + (lineage.ImportedFrom is { } importedFrom ? $" from {importedFrom}" : "") + (lineage.Trainer is { } t ? $", trained with {t}" : "")));
        if (lineage.BaseModel is not null || lineage.BaseReference is not null)
        {
            string baseText = lineage.BaseModel ?? lineage.BaseReference!;
            if (lineage.BaseReference is { } reference && reference != baseText)
            {
                baseText += $" ({reference})";
            }

            table.AddRow("base", Markup.Escape(baseText + (lineage.BaseSha256 is { } bs ? $", sha256 {bs[..12]}" : "")));
        }

        if (lineage.Hyperparameters is { } h && Settings(h) is { Length: > 0 } settings)
        {
            table.AddRow("settings", Markup.Escape(settings));
        }

        if (lineage.Metrics is { } m)
        {
            var parts = new List<string>();
            if (m.Steps is { } steps)
            {
                parts.Add($"{steps} steps");
            }

            if (m.TrainLoss is { } train)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"train loss {train:0.0000}"));
            }

            if (m.ValidLoss is { } valid)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"validation loss {valid:0.0000}"));
            }

            if (m.ValidAccuracy is { } accuracy)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"validation token accuracy {accuracy:0.000}"));
            }

            if (m.TrainedTokens is { } tokens)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"{tokens:N0} trained tokens"));
            }

            table.AddRow("metrics", Markup.Escape(string.Join(", ", parts)));
        }

        if (lineage.RunRecord is { } record)
        {
            table.AddRow("run record", Markup.Escape(record));
        }

        table.AddRow("serves", serves.Count > 0 ? Markup.Escape(string.Join(", ", serves)) : "[grey]no alias[/]");
        table.AddRow("created", model.CreatedAt.UtcDateTime.ToString("u", CultureInfo.InvariantCulture));
        console.Write(table);

        if (lineage.Datasets.Count > 0)
        {
            var data = new Table().Border(TableBorder.Rounded).Title("data")
                .AddColumn("file").AddColumn("role").AddColumn(new TableColumn("examples").RightAligned()).AddColumn(new TableColumn("left out").RightAligned())
                .AddColumn(new TableColumn("weight").RightAligned()).AddColumn("sha256 (--json: whole)");
            foreach (var file in lineage.Datasets)
            {
                data.AddRow(Markup.Escape(file.Path), file.Role.ToString().ToLowerInvariant(), file.Examples.ToString("N0", CultureInfo.InvariantCulture),
                    file.Rejected.ToString("N0", CultureInfo.InvariantCulture), file.Weight.ToString("0.###", CultureInfo.InvariantCulture), Markup.Escape(file.Sha256[..Math.Min(16, file.Sha256.Length)]));
            }

            console.Write(data);
        }

        foreach (var p in promotions)
        {
            console.MarkupLine(Markup.Escape($"promoted to '{p.Alias}' at {p.At.UtcDateTime.ToString("u", CultureInfo.InvariantCulture)}") +
                (p.RolledBackAt is { } back ? Markup.Escape($", rolled back at {back.UtcDateTime.ToString("u", CultureInfo.InvariantCulture)}") : ""));
        }

        foreach (var run in runs)
        {
            console.MarkupLine(Markup.Escape($"eval run {run.Id}: suite {run.SuiteId} as '{run.ModelAlias}', {run.Status.ToString().ToLowerInvariant()}, {run.StartedAt.UtcDateTime.ToString("u", CultureInfo.InvariantCulture)}") +
                "  [grey](tailor eval report " + Markup.Escape(run.Id) + ")[/]");
        }
    }

    /// <summary>The settings that were set, as <c>steps 6, learning_rate 0.005, ...</c>.</summary>
    private static string Settings(TuningHyperparameters h) =>
        JsonSerializer.SerializeToNode(h, TuningJson.Options) is JsonObject set
            ? string.Join(", ", set.Select(p => $"{p.Key} {p.Value?.ToJsonString()}"))
            : "";
}
