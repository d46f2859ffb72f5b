namespace Tailor.Tuning.Export;

/// <summary>The open-source trainers <c>tailor tune export</c> writes a ready-to-run setup for.</summary>
public enum ExternalTrainer
{
    /// <summary>mistralai/mistral-finetune: LoRA on Mistral models, Mistral's instruct JSONL and a <c>7B.yaml</c>-style config.</summary>
    MistralFinetune,

    /// <summary>Axolotl: chat-template datasets (OpenAI-style messages) and its YAML config.</summary>
    Axolotl,
}
