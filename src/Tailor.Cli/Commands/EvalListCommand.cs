using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Tailor.Evals.Results;

namespace Tailor.Cli.Commands;

/// <summary><c>tailor eval list</c>: the stored runs, newest first.</summary>
internal static class EvalListCommand
{
    public static Command Create(CliEnvironment env)
    {
        var suite = new Option<string?>("--suite", "-s") { Description = "Only runs of this suite" };
        var model = ChatOptionsBinding.ModelOption();
        model.Description = "Only runs of this model alias";
        var limit = new Option<int>("--limit") { Description = "At most this many", DefaultValueFactory = _ => 20 };
        var json = new Option<bool>("--json") { Description = "Print the runs as JSON" };
        var command = new Command("list", "List stored eval runs, newest first");
        command.Options.Add(suite);
        command.Options.Add(model);
        command.Options.Add(limit);
        command.Options.Add(json);
        command.SetAction(async (parse, ct) =>
        {
            await using var workspace = await EvalWorkspace.OpenAsync(parse, env, ct);
            var runs = await workspace.Evals.ListRunsAsync(new EvalRunQuery { SuiteId = parse.GetValue(suite), ModelAlias = parse.GetValue(model), Limit = parse.GetValue(limit) }, ct).ToListAsync(ct);
            if (parse.GetValue(json))
            {
                env.WriteRawLine(JsonSerializer.Serialize(runs.Select(r => new
                {
                    id = r.Id, suite = r.SuiteId, model = r.ModelAlias, model_id = r.ModelId, status = r.Status.ToString().ToLowerInvariant(),
                    started_at = r.StartedAt, completed_at = r.CompletedAt, repeat = r.Repeat, planned_results = r.PlannedResults, label = r.Label,
                }), new JsonSerializerOptions { WriteIndented = true }));
                return ExitCodes.Ok;
            }

            var table = new Table().Border(TableBorder.Rounded).AddColumn("run").AddColumn("suite").AddColumn("model").AddColumn("status").AddColumn("started").AddColumn("label");
            foreach (EvalRun r in runs)
            {
                table.AddRow(Markup.Escape(r.Id), Markup.Escape(r.SuiteId), Markup.Escape(r.ModelAlias), r.Status.ToString().ToLowerInvariant(),
                    r.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), Markup.Escape(r.Label ?? ""));
            }

            env.Out.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }
}
