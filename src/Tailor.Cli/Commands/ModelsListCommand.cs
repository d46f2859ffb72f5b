using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Tailor.Tuning;
using Tailor.Tuning.Registry;

namespace Tailor.Cli.Commands;

/// <summary><c>tailor models list</c>: the registered models, newest first, with the aliases that serve them now.</summary>
internal static class ModelsListCommand
{
    public static Command Create(CliEnvironment env)
    {
        var limit = new Option<int>("--limit") { Description = "At most this many", DefaultValueFactory = _ => 50 };
        var json = TuneCommand.JsonOption("the models");
        var command = new Command("list", "List registered models, newest first");
        command.Options.Add(limit);
        command.Options.Add(json);
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(limit) < 1)
            {
                throw new CliException("--limit must be at least 1");
            }

            await using var workspace = await TuneWorkspace.OpenAsync(parse, env, null, ct);
            return await TuneWorkspace.GuardAsync(async () =>
            {
                var models = new List<RegisteredModel>();
                await foreach (var model in workspace.Store.ListModelsAsync(new ModelQuery { Limit = parse.GetValue(limit) }, ct))
                {
                    models.Add(model);
                }

                var spec = workspace.Project.Spec;
                if (parse.GetValue(json))
                {
                    env.WriteRawLine(JsonSerializer.Serialize(models.Select(m => ModelsCommand.Json(m, ModelsCommand.AliasesServing(spec, m))), CliJson.Indented));
                    return ExitCodes.Ok;
                }

                if (models.Count == 0)
                {
                    env.Out.MarkupLine("no registered models; [bold]tailor tune start[/] produces one, [bold]tailor models import[/] brings one in");
                    return ExitCodes.Ok;
                }

                var table = new Table().Border(TableBorder.Rounded)
                    .AddColumn("model").AddColumn("kind").AddColumn("reference").AddColumn("from").AddColumn(new TableColumn("train loss").RightAligned()).AddColumn("serves").AddColumn("created");
                foreach (var m in models)
                {
                    string from = m.Source == ModelSource.Tuned ? $"{m.Lineage.Backend} {m.JobId}" : "imported" + (m.Lineage.Trainer is { } t ? $" ({t})" : "");
                    table.AddRow(Markup.Escape(m.Id), ModelsCommand.Kind(m.Kind), Markup.Escape(m.Reference), Markup.Escape(from),
                        m.Lineage.Metrics?.TrainLoss is { } loss ? loss.ToString("0.0000", CultureInfo.InvariantCulture) : "",
                        Markup.Escape(string.Join(", ", ModelsCommand.AliasesServing(spec, m))),
                        m.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture));
                }

                env.Out.Write(table);
                return ExitCodes.Ok;
            });
        });
        return command;
    }
}
