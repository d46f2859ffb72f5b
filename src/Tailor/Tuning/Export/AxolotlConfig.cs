using System.Text;

namespace Tailor.Tuning.Export;

/// <summary>
/// An Axolotl YAML: a <c>chat_template</c> dataset over OpenAI-style messages (loss on assistant turns; a message's
/// <c>weight: 0</c> keeps it as context through <c>message_field_training</c>), LoRA, packing, the schedule and checkpoints.
/// </summary>
internal static class AxolotlConfig
{
    public static string Render(TrainerExportRequest request, bool hasValidation)
    {
        var h = request.Hyperparameters;
        var yaml = new StringBuilder();
        yaml.AppendLine("# Axolotl config written by `tailor tune export`; see README.md for the commands.");
        yaml.AppendLine("base_model: " + YamlText.Quote(request.BaseModel));
        yaml.AppendLine("chat_template: tokenizer_default");
        yaml.AppendLine();
        yaml.AppendLine("datasets:");
        Dataset(yaml, "data/train.jsonl");
        if (hasValidation)
        {
            yaml.AppendLine("test_datasets:");
            Dataset(yaml, "data/validation.jsonl");
        }
        else
        {
            yaml.AppendLine("val_set_size: 0");
        }

        yaml.AppendLine("dataset_prepared_path: " + YamlText.Quote("prepared/" + request.Name));
        yaml.AppendLine("output_dir: " + YamlText.Quote("outputs/" + request.Name));
        yaml.AppendLine();
        yaml.AppendLine("adapter: lora");
        yaml.AppendLine($"lora_r: {h.LoraRank ?? 16}");
        yaml.AppendLine("lora_alpha: " + YamlText.Number(h.LoraAlpha ?? 2.0 * (h.LoraRank ?? 16)));
        yaml.AppendLine("lora_dropout: 0.05");
        yaml.AppendLine("lora_target_linear: true");
        yaml.AppendLine();
        yaml.AppendLine($"sequence_len: {h.SequenceLength ?? 2048}");
        yaml.AppendLine("sample_packing: true");
        yaml.AppendLine("pad_to_sequence_len: true");
        yaml.AppendLine($"micro_batch_size: {h.BatchSize ?? 2}");
        yaml.AppendLine("gradient_accumulation_steps: 4");
        if (h.Steps is { } steps)
        {
            yaml.AppendLine($"max_steps: {steps}");
        }
        else
        {
            yaml.AppendLine("num_epochs: " + YamlText.Number(h.Epochs ?? 3));
        }

        yaml.AppendLine("optimizer: adamw_torch");
        yaml.AppendLine("lr_scheduler: cosine");
        yaml.AppendLine("learning_rate: " + YamlText.Number(h.LearningRate ?? 2e-4));
        yaml.AppendLine("warmup_ratio: " + YamlText.Number(h.WarmupFraction ?? 0.05));
        yaml.AppendLine("weight_decay: " + YamlText.Number(h.WeightDecay ?? 0.0));
        yaml.AppendLine($"seed: {h.Seed ?? 42}");
        yaml.AppendLine();
        yaml.AppendLine("bf16: auto");
        yaml.AppendLine("gradient_checkpointing: true");
        yaml.AppendLine("logging_steps: 1");
        if (h.CheckpointEvery is { } every)
        {
            yaml.AppendLine($"save_steps: {every}");
        }
        else
        {
            yaml.AppendLine("saves_per_epoch: 1");
        }

        yaml.AppendLine("save_total_limit: 3");
        if (hasValidation)
        {
            yaml.AppendLine("evals_per_epoch: 4");
        }

        return yaml.ToString();
    }

    private static void Dataset(StringBuilder yaml, string path)
    {
        yaml.AppendLine("  - path: " + YamlText.Quote(path));
        yaml.AppendLine("    ds_type: json");
        yaml.AppendLine("    type: chat_template");
        yaml.AppendLine("    split: train");
        yaml.AppendLine("    field_messages: messages");
        yaml.AppendLine("    message_property_mappings:");
        yaml.AppendLine("      role: role");
        yaml.AppendLine("      content: content");
        yaml.AppendLine("    roles_to_train: [\"assistant\"]");
        yaml.AppendLine("    message_field_training: weight");
    }
}
