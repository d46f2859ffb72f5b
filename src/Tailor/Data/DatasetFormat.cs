namespace Tailor.Data;

/// <summary>The JSONL dataset formats Tailor reads and writes; see docs/data.md.</summary>
public enum DatasetFormat
{
    /// <summary>Mistral instruct: <c>{"messages": [...], "tools"?: [...], "system_prompt"?}</c>, 9-character tool-call ids.</summary>
    Mistral,

    /// <summary>OpenAI chat fine-tuning: <c>{"messages": [...], "tools"?: [...], "parallel_tool_calls"?}</c>.</summary>
    OpenAI,

    /// <summary>Pretraining text: <c>{"text": "..."}</c>.</summary>
    Text,

    /// <summary>ShareGPT: <c>{"conversations": [{"from": "human"|"gpt"|"system", "value": ...}]}</c>; read only.</summary>
    ShareGpt,
}
