using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Tailor.Local.Gguf;
using Tailor.Local.Training;
using Tailor.Local.Training.Worker;

namespace Tailor.Cli.Commands;

/// <summary>
/// <c>tailor model pretrain</c> and <c>tailor model finetune</c>: train a llama GGUF on this machine. The run happens in a
/// worker process (a native abort cannot take the CLI down); this command reads and checks the data, shows progress, and
/// maps the outcome to an exit code: 0 done, 1 training failed, 2 bad input (with file:line), 130 cancelled after a checkpoint.
/// </summary>
internal static class ModelTrainCommand
{
    public static Command CreatePretrain(CliEnvironment env) => Create(env, "pretrain",
        "Train a model on plain text ({\"text\"} JSONL or .txt; chat JSONL works too): every token is learned", lora: false, defaultLearningRate: 1e-3f);

    public static Command CreateFinetune(CliEnvironment env) => Create(env, "finetune",
        "Fine-tune a model on conversations ({\"messages\"} JSONL): the loss falls on assistant messages; full or --lora", lora: true, defaultLearningRate: 1e-4f);

    private static Command Create(CliEnvironment env, string name, string description, bool lora, float defaultLearningRate)
    {
        var model = new Argument<string>("model") { Description = "The llama GGUF to start from (f32, f16 or bf16)" };
        var data = new Option<string[]>("--data") { Description = "Training data: .jsonl (\"messages\" or \"text\" per line) or .txt files", Required = true, AllowMultipleArgumentsPerToken = true };
        var output = new Option<string>("--out", "-o") { Description = "Where to write the trained model (or the LoRA adapter)", Required = true };
        var steps = new Option<int>("--steps") { Description = "Optimizer steps", DefaultValueFactory = _ => 1000 };
        var batch = new Option<int>("--batch") { Description = "Rows per micro-batch", DefaultValueFactory = _ => 4 };
        var seqLen = new Option<int>("--seq-len") { Description = "Tokens per row; examples are packed into rows", DefaultValueFactory = _ => 256 };
        var accumulate = new Option<int>("--accumulate") { Description = "Micro-batches per optimizer step (gradient accumulation)", DefaultValueFactory = _ => 1 };
        var lr = new Option<float>("--lr") { Description = "Peak learning rate", DefaultValueFactory = _ => defaultLearningRate };
        var minLr = new Option<float?>("--min-lr") { Description = "Learning rate at the last step (default: lr / 10)" };
        var warmup = new Option<int?>("--warmup") { Description = "Warm-up steps (default: 5% of --steps)" };
        var schedule = new Option<LearningRateDecay>("--schedule") { Description = "Decay after warm-up: cosine, linear or constant", DefaultValueFactory = _ => LearningRateDecay.Cosine };
        var clip = new Option<float>("--clip") { Description = "Clip the gradient's global norm to this (0: off)", DefaultValueFactory = _ => 1f };
        var weightDecay = new Option<float>("--weight-decay") { Description = "AdamW weight decay on matrices", DefaultValueFactory = _ => 0.1f };
        var valEvery = new Option<int>("--val-every") { Description = "Validation loss every N steps (0: at the end only)", DefaultValueFactory = _ => 0 };
        var valSplit = new Option<double>("--val-split") { Description = "Share of the examples held out for validation", DefaultValueFactory = _ => 0 };
        var valData = new Option<string[]>("--val-data") { Description = "Validation data files (instead of --val-split)", AllowMultipleArgumentsPerToken = true };
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "Write a checkpoint every N steps (0: only on Ctrl+C)", DefaultValueFactory = _ => 0 };
        var checkpointDir = new Option<string?>("--checkpoint-dir") { Description = "Checkpoint folder (default: <out>.checkpoints)" };
        var keep = new Option<int>("--keep-checkpoints") { Description = "Checkpoints kept", DefaultValueFactory = _ => 3 };
        var resume = new Option<string?>("--resume") { Description = "Resume from a checkpoint file, or from the newest in the checkpoint folder when no file is given", Arity = ArgumentArity.ZeroOrOne };
        var seed = new Option<int>("--seed") { Description = "Seed of the data order (and LoRA init/dropout)", DefaultValueFactory = _ => 1 };
        var threads = new Option<int?>("--threads") { Description = "CPU threads (default: all cores)" };
        var f16 = new Option<bool>("--f16") { Description = "Store the output's matrices as F16" };
        var noVerify = new Option<bool>("--no-verify") { Description = "Skip loading the output in llama.cpp to compare logits" };
        var force = new Option<bool>("--force") { Description = "Overwrite the output file" };
        var json = new Option<bool>("--json") { Description = "Print one JSON event per line (the worker protocol) instead of a progress display" };
        var loraFlag = new Option<bool>("--lora") { Description = "Train a LoRA adapter over the frozen model instead of every weight" };
        var rank = new Option<int>("--rank") { Description = "LoRA rank", DefaultValueFactory = _ => 8 };
        var alpha = new Option<float>("--alpha") { Description = "LoRA alpha (the update is scaled by alpha / rank)", DefaultValueFactory = _ => 16f };
        var dropout = new Option<float>("--dropout") { Description = "LoRA dropout on the adapters' inputs", DefaultValueFactory = _ => 0f };
        var targets = new Option<string[]>("--targets") { Description = "LoRA targets: " + string.Join(", ", LoraOptions.AllTargets), AllowMultipleArgumentsPerToken = true };
        var merge = new Option<bool>("--merge") { Description = "With --lora: write base + adapter as one model instead of an adapter file" };

        var command = new Command(name, description);
        command.Arguments.Add(model);
        var all = new List<Option>
        {
            data, output, steps, batch, seqLen, accumulate, lr, minLr, warmup, schedule, clip, weightDecay, valEvery, valSplit, valData,
            checkpointEvery, checkpointDir, keep, resume, seed, threads, f16, noVerify, force, json,
        };
        if (lora)
        {
            all.AddRange([loraFlag, rank, alpha, dropout, targets, merge]);
        }

        foreach (var option in all)
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, ct) =>
        {
            var useLora = lora && parse.GetValue(loraFlag);
            var options = new TrainingOptions
            {
                Steps = parse.GetValue(steps),
                BatchSize = parse.GetValue(batch),
                SequenceLength = parse.GetValue(seqLen),
                AccumulationSteps = parse.GetValue(accumulate),
                LearningRate = parse.GetValue(lr),
                MinLearningRate = parse.GetValue(minLr),
                WarmupSteps = parse.GetValue(warmup),
                Schedule = parse.GetValue(schedule),
                MaxGradNorm = parse.GetValue(clip),
                WeightDecay = parse.GetValue(weightDecay),
                ValidationEvery = parse.GetValue(valEvery),
                ValidationFraction = parse.GetValue(valSplit),
                CheckpointEvery = parse.GetValue(checkpointEvery),
                CheckpointDirectory = parse.GetValue(checkpointDir) is { } dir ? Path.GetFullPath(Path.Combine(env.WorkingDirectory, dir)) : null,
                KeepCheckpoints = parse.GetValue(keep),
                Seed = parse.GetValue(seed),
                Threads = parse.GetValue(threads),
                OutputType = parse.GetValue(f16) ? GgmlType.F16 : GgmlType.F32,
                VerifyExport = !parse.GetValue(noVerify),
                Lora = useLora
                    ? new LoraOptions
                    {
                        Rank = parse.GetValue(rank),
                        Alpha = parse.GetValue(alpha),
                        Dropout = parse.GetValue(dropout),
                        Targets = parse.GetValue(targets) is { Length: > 0 } t ? t : LoraOptions.AllTargets,
                        Merge = parse.GetValue(merge),
                    }
                    : null,
            };
            if (!useLora && (parse.GetResult(rank) is { Implicit: false } || parse.GetResult(targets) is { Implicit: false } || parse.GetResult(merge) is { Implicit: false }))
            {
                throw new CliException("--rank, --alpha, --dropout, --targets and --merge need --lora");
            }

            var resumeResult = parse.GetResult(resume);
            var resumeFrom = resumeResult is null ? null
                : parse.GetValue(resume) is { Length: > 0 } file ? Path.GetFullPath(Path.Combine(env.WorkingDirectory, file)) : "latest";
            return await RunAsync(env, parse.GetValue(model)!, parse.GetValue(data)!, parse.GetValue(valData), parse.GetValue(output)!, options,
                resumeFrom, parse.GetValue(force), parse.GetValue(json), ct);
        });
        return command;
    }

    private static async Task<int> RunAsync(CliEnvironment env, string model, string[] dataFiles, string[]? validationFiles, string output,
        TrainingOptions options, string? resumeFrom, bool force, bool json, CancellationToken ct)
    {
        // 1. check the input here, so bad lines are reported with file:line before any process starts
        var basePath = Path.GetFullPath(Path.Combine(env.WorkingDirectory, model));
        var outputPath = Path.GetFullPath(Path.Combine(env.WorkingDirectory, output));
        if (!File.Exists(basePath))
        {
            throw new CliException($"no model file at {model}", "create one with `tailor model create`");
        }

        if (File.Exists(outputPath) && !force && resumeFrom is null)
        {
            throw new CliException($"{output} already exists", "pass --force to overwrite it");
        }

        try
        {
            options.Validate();
        }
        catch (TrainingException ex)
        {
            throw new CliException(ex.Message);
        }

        var job = new TrainingJob
        {
            BaseModelPath = basePath,
            OutputPath = outputPath,
            Examples = await ModelTrainingData.ReadAsync(dataFiles, env.WorkingDirectory, ct),
            ValidationExamples = validationFiles is { Length: > 0 } ? await ModelTrainingData.ReadAsync(validationFiles, env.WorkingDirectory, ct) : null,
            Options = options,
            ResumeFrom = resumeFrom,
        };

        // 2. train in a worker process, showing its events: a live progress bar on a terminal, lines otherwise, JSON with --json
        var display = new TrainingDisplay(env, json);
        try
        {
            TrainingResult result;
            if (!json && env.Error.Profile.Capabilities.Interactive)
            {
                result = await env.Error.Progress()
                    .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                    .StartAsync(async context =>
                    {
                        display.Bar = context.AddTask("starting", maxValue: options.Steps);
                        return await new TrainingWorkerClient().RunAsync(job, display, ct);
                    });
            }
            else
            {
                result = await new TrainingWorkerClient().RunAsync(job, display, ct);
            }

            display.Completed(result);
            return ExitCodes.Ok;
        }
        catch (TrainingCancelledException ex)
        {
            display.Cancelled(ex);
            return 130;
        }
        catch (TrainingException ex)
        {
            throw new CliException(ex.Message, ex.IsInputError ? null : "the run record and checkpoints next to the output say how far it got",
                ex.IsInputError ? ExitCodes.BadInput : ExitCodes.CheckFailed);
        }
    }

    /// <summary>
    /// Shows a run's events: JSON lines on stdout with --json; otherwise, on stderr, a live bar (when <see cref="Bar"/> is
    /// set) or one line per step interval, plus validations, checkpoints and the verification.
    /// </summary>
    private sealed class TrainingDisplay(CliEnvironment env, bool json) : IProgress<TrainingEvent>
    {
        private int _every = 1;

        /// <summary>The live progress task on an interactive terminal; null for line output.</summary>
        public ProgressTask? Bar { get; set; }

        public void Report(TrainingEvent value)
        {
            if (json)
            {
                env.WriteRawLine(JsonSerializer.Serialize(value, WorkerProtocol.Json));
                return;
            }

            if (Bar is { } bar && value is TrainingStepCompleted step)
            {
                bar.Value = step.Step;
                bar.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                    $"step {step.Step}/{step.TotalSteps}  loss {step.Loss:F4}  lr {step.LearningRate:E2}  |g| {step.GradientNorm:F2}  {step.TokensPerSecond:F0} tok/s"));
                return;
            }

            if (Bar is { } started && value is TrainingStarted s0)
            {
                started.Value = s0.StartStep;
            }

            var console = env.Error;
            switch (value)
            {
                case TrainingStarted s:
                    _every = Math.Max(1, s.TotalSteps / 10);
                    console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                        $"training {s.Mode}: {s.TrainableParameters:N0} of {s.Parameters:N0} parameters, {s.TrainingExamples} examples ({s.TrainedTokens:N0} trained tokens per epoch, {s.MicroBatchesPerEpoch} micro-batches), {s.ValidationExamples} for validation, {s.Threads} threads{(s.StartStep > 0 ? $", resuming after step {s.StartStep}" : "")}")));
                    break;
                case TrainingStepCompleted s when s.Step % _every == 0 || s.Step == s.TotalSteps || s.Skipped:
                    console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                        $"step {s.Step,6}/{s.TotalSteps}  loss {s.Loss,8:F4}  lr {s.LearningRate:E2}  |g| {s.GradientNorm,8:F3}{(s.Clipped ? " clipped" : "")}{(s.Skipped ? " SKIPPED" : "")}  {s.TokensPerSecond,8:F0} tok/s  eta {TimeSpan.FromSeconds(Math.Round(s.RemainingSeconds)):c}")));
                    break;
                case ValidationCompleted v:
                    console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"validation at step {v.Step}: loss {v.Loss:F4}, perplexity {v.Perplexity:F2} ({v.Tokens:N0} tokens)")));
                    break;
                case CheckpointSaved c:
                    console.MarkupLine($"[grey]checkpoint[/] {Markup.Escape(c.Path)}");
                    break;
                case ExportVerified v:
                    console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"llama.cpp agrees with the trained graph: max relative logit difference {v.MaxRelativeDifference:E1} over {v.Positions} positions")));
                    break;
            }
        }

        public void Completed(TrainingResult result)
        {
            if (json)
            {
                return;
            }

            env.Out.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                $"[green]trained[/] {Markup.Escape(result.OutputPath)}{(result.IsAdapter ? " (LoRA adapter)" : "")}: {result.Steps} steps, final loss {result.FinalLoss:F4}{(result.ValidationLoss is { } v ? FormattableString.Invariant($", validation loss {v:F4}") : "")}"));
            env.Out.MarkupLine($"[grey]run record[/] {Markup.Escape(result.RunRecordPath)}");
        }

        public void Cancelled(TrainingCancelledException ex)
        {
            if (!json)
            {
                env.Error.MarkupLine(ex.CheckpointPath is null
                    ? "[yellow]cancelled[/] before the first step completed"
                    : $"[yellow]cancelled[/] after step {ex.Step}; resume with --resume {Markup.Escape(ex.CheckpointPath)}");
            }
        }
    }
}
