using System.Text;
using Tailor.Data;
using Tailor.Data.Tokens;
using Tailor.Tuning.Preflight;
using Tailor.Tuning.Registry;

namespace Tailor.Tuning.Export;

/// <summary>
/// Writes a ready-to-run setup for an external open-source trainer, for users with GPUs: the dataset after pre-flight
/// (valid lines only, in the trainer's format), the trainer's YAML config from Tailor's settings, a <c>lineage.json</c>
/// that <c>tailor models import --export &lt;dir&gt;</c> reads back so the model it produces keeps its recipe, and a
/// README with the commands. Files are written into a new directory; nothing of the user's is touched.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class TrainerExport
{
    public const string LineageFile = "lineage.json";

    private static readonly string[] MistralFinetuneSettings =
        ["steps", "lr", "batch", "seq-len", "warmup", "weight-decay", "seed", "lora-rank", "lora-alpha", "merge", "checkpoint-every"];

    private static readonly string[] AxolotlSettings =
        ["steps", "epochs", "lr", "batch", "seq-len", "warmup", "weight-decay", "seed", "lora-rank", "lora-alpha", "checkpoint-every"];

    /// <summary>What the trainer's config cannot express from <paramref name="request"/> (a setting it has no key for); empty when fine.</summary>
    public static IReadOnlyList<string> Validate(TrainerExportRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        bool mistral = request.Trainer == ExternalTrainer.MistralFinetune;
        string trainer = mistral ? "mistral-finetune" : "Axolotl";
        var supported = mistral ? MistralFinetuneSettings : AxolotlSettings;
        var problems = request.Hyperparameters.SetOptionNames().Where(o => !supported.Contains(o))
            .Select(o => $"--{o} has no {trainer} setting (it takes {string.Join(", ", supported.Select(s => "--" + s))})").ToList();
        if (!mistral && request.Hyperparameters is { Steps: not null, Epochs: not null })
        {
            problems.Add("Axolotl trains either --steps (max_steps) or --epochs (num_epochs), not both");
        }

        if (request.TrainingFiles.Concat(request.ValidationFiles).Any(f => f.Weight != 1))
        {
            problems.Add($"the export writes one training file, so per-file weights (file.jsonl:weight) cannot reach {trainer}; mix the files with 'tailor data mix' first");
        }

        return problems;
    }

    /// <summary>Runs pre-flight and, unless it blocks, writes the export.</summary>
    /// <exception cref="TuningException">The output directory is not empty, or a file is missing.</exception>
    public static async Task<TrainerExportResult> WriteAsync(
        TrainerExportRequest request, ITokenCounter counter, string projectDirectory, Func<string, string> display, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(counter);
        ArgumentNullException.ThrowIfNull(display);
        string output = Path.GetFullPath(Path.Combine(projectDirectory, request.OutputDirectory));
        if (Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any())
        {
            throw new TuningException($"{display(output)} is not empty", "export into a new directory, so nothing there is overwritten");
        }

        if (request.TrainingFiles.Count == 0)
        {
            throw new TuningException("no training data", "pass --train <file.jsonl>, or list the files under 'datasets:' in tailor.yaml");
        }

        if (Validate(request) is { Count: > 0 } problems)
        {
            throw new TuningException($"cannot export this for {(request.Trainer == ExternalTrainer.MistralFinetune ? "mistral-finetune" : "Axolotl")}: {string.Join("; ", problems)}", "change the options named above");
        }

        var format = request.Trainer == ExternalTrainer.MistralFinetune ? DatasetFormat.Mistral : DatasetFormat.OpenAI;
        var h = request.Hyperparameters;
        string staging = Path.Combine(output, ".preflight");
        var files = request.TrainingFiles.Select(f => (f, TuningDataRole.Training)).Concat(request.ValidationFiles.Select(f => (f, TuningDataRole.Validation))).ToList();
        PreflightReport preflight;
        try
        {
            preflight = await TuningPreflight.RunAsync(files, format, InstructOnly, counter, new TrainingPlan(h.SequenceLength ?? 2048, h.Steps, h.BatchSize ?? 1),
                projectDirectory, staging, display, cancellationToken);
        }
        catch
        {
            TryDelete(output);
            throw;
        }

        if (preflight.HasErrors && !request.Force)
        {
            TryDelete(output);
            return new TrainerExportResult(output, preflight, [], Blocked: true);
        }

        // one file per role, as the trainers take them
        Directory.CreateDirectory(Path.Combine(output, "data"));
        var written = new List<string>();
        string train = Path.Combine(output, "data", "train.jsonl");
        await ConcatenateAsync(preflight.Files.Where(f => f.File.Role == TuningDataRole.Training).Select(f => f.PreparedPath), train, cancellationToken);
        written.Add(train);
        string? validation = null;
        if (preflight.Files.Any(f => f.File.Role == TuningDataRole.Validation))
        {
            validation = Path.Combine(output, "data", "validation.jsonl");
            await ConcatenateAsync(preflight.Files.Where(f => f.File.Role == TuningDataRole.Validation).Select(f => f.PreparedPath), validation, cancellationToken);
            written.Add(validation);
        }

        Directory.Delete(staging, recursive: true);
        string config = Path.Combine(output, request.Trainer == ExternalTrainer.MistralFinetune ? "mistral-finetune.yaml" : "axolotl.yaml");
        await File.WriteAllTextAsync(config, request.Trainer == ExternalTrainer.MistralFinetune
            ? MistralFinetuneConfig.Render(request, validation is not null)
            : AxolotlConfig.Render(request, validation is not null), cancellationToken);
        written.Add(config);

        var lineage = new ModelLineage
        {
            BaseModel = request.BaseModel,
            BaseReference = request.BaseModel,
            Backend = request.Trainer == ExternalTrainer.MistralFinetune ? "mistral-finetune" : "axolotl",
            Datasets = [.. preflight.Files.Select(f => f.File)],
            Hyperparameters = request.Hyperparameters,
            Trainer = request.Trainer == ExternalTrainer.MistralFinetune ? "mistral-finetune" : "axolotl",
        };
        string lineagePath = Path.Combine(output, LineageFile);
        await File.WriteAllTextAsync(lineagePath, System.Text.Json.JsonSerializer.Serialize(lineage, TuningJson.Indented), cancellationToken);
        written.Add(lineagePath);
        string readme = Path.Combine(output, "README.md");
        await File.WriteAllTextAsync(readme, Readme(request, display(output)), cancellationToken);
        written.Add(readme);
        return new TrainerExportResult(output, preflight, written, Blocked: false);
    }

    private static string? InstructOnly(Conversation conversation) =>
        conversation.IsText ? "pretraining text: this export writes instruct (chat) data; export text separately for a pretraining run" : null;

    private static async Task ConcatenateAsync(IEnumerable<string> inputs, string output, CancellationToken cancellationToken)
    {
        await using var target = File.Create(output);
        foreach (string input in inputs)
        {
            await using var source = File.OpenRead(input);
            await source.CopyToAsync(target, cancellationToken);
        }
    }

    private static string Readme(TrainerExportRequest request, string output)
    {
        var text = new StringBuilder();
        text.AppendLine($"# {request.Name}: fine-tuning {request.BaseModel} with {(request.Trainer == ExternalTrainer.MistralFinetune ? "mistral-finetune" : "Axolotl")}").AppendLine();
        text.AppendLine("Written by `tailor tune export`. `data/` holds the examples that passed Tailor's pre-flight, in the trainer's format;");
        text.AppendLine("`lineage.json` records the source files (with SHA-256 and counts) and the settings.").AppendLine();
        if (request.Trainer == ExternalTrainer.MistralFinetune)
        {
            text.AppendLine("```sh");
            text.AppendLine("git clone https://github.com/mistralai/mistral-finetune && cd mistral-finetune && pip install -r requirements.txt");
            text.AppendLine("# download the base model into the folder named by model_id_or_path in mistral-finetune.yaml, then:");
            text.AppendLine($"python -m utils.validate_data --train_yaml {output}/mistral-finetune.yaml");
            text.AppendLine($"torchrun --nproc-per-node 1 -m train {output}/mistral-finetune.yaml");
            text.AppendLine("```").AppendLine();
            text.AppendLine("mistral-finetune writes consolidated weights (or a LoRA adapter) in its run_dir; convert them to GGUF with llama.cpp's");
            text.AppendLine("`convert_hf_to_gguf.py` (or `convert_lora_to_gguf.py` for an adapter) and bring the result back:");
        }
        else
        {
            text.AppendLine("```sh");
            text.AppendLine("pip install axolotl");
            text.AppendLine($"axolotl preprocess {output}/axolotl.yaml   # optional: check the tokenized data");
            text.AppendLine($"axolotl train {output}/axolotl.yaml");
            text.AppendLine("```").AppendLine();
            text.AppendLine("Axolotl writes a LoRA adapter (or merged weights with `axolotl merge-lora`) in output_dir; convert it with llama.cpp's");
            text.AppendLine("`convert_lora_to_gguf.py` (or `convert_hf_to_gguf.py`) and bring the result back:");
        }

        text.AppendLine().AppendLine("```sh");
        text.AppendLine($"tailor models import model.gguf --export {output}            # a full model");
        text.AppendLine($"tailor models import adapter.gguf --base base.gguf --export {output}   # a LoRA adapter over its base");
        text.AppendLine("```");
        return text.ToString();
    }

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
        }
    }
}
