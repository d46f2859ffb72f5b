namespace Tailor.Data.Decontamination;

/// <summary>How a training example matched an eval text.</summary>
public enum ContaminationMethod
{
    /// <summary>A message (or the whole prompt) has exactly the eval text's words.</summary>
    Exact,

    /// <summary>The example shares an n-gram of words with the eval text (GPT-3's 13-gram test).</summary>
    NGram,

    /// <summary>The example's prompts are a MinHash near-duplicate of the eval text.</summary>
    NearDuplicate,
}
