using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using Tailor.Data.Tokens;
using Tailor.Tuning;
using Tailor.Tuning.Export;

namespace Tailor.Cli.Commands;

/// <summary>
/// <c>tailor tune export</c>: a ready-to-run setup for an external trainer (mistral-finetune or Axolotl), for users with
/// GPUs: the data after pre-flight in the trainer's format, its config, a lineage file and a README with the commands.
/// Pre-flight blocks it like a job (exit 1) unless <c>--force</c>.
/// </summary>
internal static class TuneExportCommand
{
    public static Command Create(CliEnvironment env)
    {
        var trainer = new Option<string>("--trainer") { Description = "The trainer: mistral-finetune or axolotl", Required = true };
        trainer.AcceptOnlyFromAmong("mistral-finetune", "axolotl");
        var baseModel = new Option<string>("--base") { Description = "The base model as the trainer names it: a Hugging Face id, or the downloaded folder (mistral-finetune)", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "The directory to write (new or empty)", Required = true };
        var name = new Option<string?>("--name") { Description = "Names the run (the trainer's output folder; the model id on import)" };
        var force = new Option<bool>("--force") { Description = "Export even when pre-flight finds errors, leaving the rejected lines out" };
        var json = TuneCommand.JsonOption("what was written");
        var settings = new TuneSettings();
        var command = new Command("export", "Write the data, a config and a lineage file for an external trainer (mistral-finetune, Axolotl)");
        foreach (Option option in new Option[] { trainer, baseModel, output, name, force, json })
        {
            command.Options.Add(option);
        }

        settings.AddTo(command);
        command.Options.Remove(settings.Suffix);
        command.SetAction(async (parse, ct) =>
        {
            var project = DataFiles.TryLoadProject(parse, env);
            var training = settings.ReadTraining(parse, env)
                ?? (project is { Spec.Datasets.Count: > 0 } ? [.. project.Spec.Datasets.Select(d => new TuningDataSource(project.Spec.ResolvePath(d)))] : []);
            var request = new TrainerExportRequest
            {
                Trainer = parse.GetValue(trainer) == "axolotl" ? ExternalTrainer.Axolotl : ExternalTrainer.MistralFinetune,
                BaseModel = parse.GetValue(baseModel)!,
                TrainingFiles = training,
                ValidationFiles = settings.ReadValidation(parse, env) ?? [],
                Hyperparameters = settings.Read(parse),
                Name = parse.GetValue(name) is { } given ? TuningIds.Slug(given) : "tailor-export",
                OutputDirectory = Path.GetFullPath(Path.Combine(env.WorkingDirectory, parse.GetValue(output)!)),
                Force = parse.GetValue(force),
            };
            return await TuneWorkspace.GuardAsync(async () =>
            {
                var result = await TrainerExport.WriteAsync(request, new TiktokenEstimateCounter(), project?.Spec.ProjectDirectory ?? env.WorkingDirectory,
                    full => Path.GetRelativePath(env.WorkingDirectory, full), ct);
                TuneViews.Write(env.Error, result.Preflight, request.Force);
                if (parse.GetValue(json))
                {
                    env.WriteRawLine(JsonSerializer.Serialize(new
                    {
                        Written = !result.Blocked,
                        Directory = DataFiles.Display(env, result.Directory),
                        Files = result.Files.Select(f => DataFiles.Display(env, f)),
                        Preflight = TuneViews.Json(result.Preflight),
                    }, CliJson.Indented));
                }

                if (result.Blocked)
                {
                    TailorCli.WriteError(env, "pre-flight found errors in the data, so nothing was exported",
                        "fix the lines named above ('tailor data validate --fix' splits them off), or pass --force to export without them");
                    return ExitCodes.CheckFailed;
                }

                if (!parse.GetValue(json))
                {
                    env.Out.MarkupLine($"[green]exported[/] for {Markup.Escape(parse.GetValue(trainer)!)} to [bold]{Markup.Escape(DataFiles.Display(env, result.Directory))}[/]:");
                    foreach (string file in result.Files)
                    {
                        env.Out.MarkupLine("  " + Markup.Escape(DataFiles.Display(env, file)));
                    }

                    env.Out.MarkupLine($"[grey]then:[/] see README.md there; bring the model back with tailor models import <file> --export {Markup.Escape(DataFiles.Display(env, result.Directory))}");
                }

                return ExitCodes.Ok;
            });
        });
        return command;
    }
}
