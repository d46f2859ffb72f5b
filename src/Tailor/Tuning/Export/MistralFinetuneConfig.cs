using System.Text;

namespace Tailor.Tuning.Export;

/// <summary>
/// A mistral-finetune training YAML (the keys of its <c>finetune/args.py</c> as in <c>example/7B.yaml</c>): instruct data,
/// LoRA, sequence length, batch, steps, AdamW with a one-cycle warm-up (<c>pct_start</c>), checkpoints and evaluation.
/// </summary>
internal static class MistralFinetuneConfig
{
    public static string Render(TrainerExportRequest request, bool hasValidation)
    {
        var h = request.Hyperparameters;
        var yaml = new StringBuilder();
        yaml.AppendLine("# mistral-finetune config written by `tailor tune export`; see README.md for the commands.");
        yaml.AppendLine("data:");
        yaml.AppendLine("  instruct_data: " + YamlText.Quote("data/train.jsonl"));
        yaml.AppendLine("  data: \"\"");
        if (hasValidation)
        {
            yaml.AppendLine("  eval_instruct_data: " + YamlText.Quote("data/validation.jsonl"));
        }

        yaml.AppendLine();
        yaml.AppendLine("# the downloaded base model's folder (params.json, consolidated.safetensors, tokenizer)");
        yaml.AppendLine("model_id_or_path: " + YamlText.Quote(request.BaseModel));
        yaml.AppendLine("lora:");
        yaml.AppendLine("  enable: true");
        yaml.AppendLine($"  rank: {h.LoraRank ?? 64}");
        yaml.AppendLine("  dropout: 0.0");
        yaml.AppendLine("  scaling: " + YamlText.Number(h.LoraAlpha is { } alpha && h.LoraRank is { } r ? alpha / r : 2.0));
        yaml.AppendLine();
        yaml.AppendLine($"seq_len: {h.SequenceLength ?? 8192}");
        yaml.AppendLine($"batch_size: {h.BatchSize ?? 1}");
        yaml.AppendLine("num_microbatches: 1");
        yaml.AppendLine($"max_steps: {h.Steps ?? 300}");
        yaml.AppendLine("optim:");
        yaml.AppendLine("  lr: " + YamlText.Number(h.LearningRate ?? 6e-5));
        yaml.AppendLine("  weight_decay: " + YamlText.Number(h.WeightDecay ?? 0.1));
        yaml.AppendLine("  pct_start: " + YamlText.Number(h.WarmupFraction ?? 0.05));
        yaml.AppendLine();
        yaml.AppendLine($"seed: {h.Seed ?? 0}");
        yaml.AppendLine("log_freq: 1");
        yaml.AppendLine($"eval_freq: {Math.Max(1, (h.Steps ?? 300) / 10)}");
        yaml.AppendLine("no_eval: " + YamlText.Flag(!hasValidation));
        yaml.AppendLine($"ckpt_freq: {h.CheckpointEvery ?? Math.Max(1, (h.Steps ?? 300) / 10)}");
        yaml.AppendLine("num_ckpt_keep: 3");
        yaml.AppendLine("save_adapters: " + YamlText.Flag(h.LoraMerge != true));
        yaml.AppendLine("run_dir: " + YamlText.Quote("runs/" + request.Name));
        return yaml.ToString();
    }
}
