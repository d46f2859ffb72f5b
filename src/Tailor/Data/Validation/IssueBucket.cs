namespace Tailor.Data.Validation;

/// <summary>
/// The groups a validation report counts problems in; a superset of mistral-finetune's report
/// sections ("data load", "conversation format", "message format", "tokenization").
/// </summary>
public enum IssueBucket
{
    /// <summary>The bytes: invalid UTF-8, blank or over-long lines.</summary>
    Encoding,

    /// <summary>JSON syntax, duplicate keys, a line that is not an object.</summary>
    Json,

    /// <summary>The example as a whole: missing messages, role order, last message, system messages.</summary>
    Conversation,

    /// <summary>One message: role, content, weight, unknown keys.</summary>
    Message,

    /// <summary>Tools and tool calls: ids, names, arguments, schemas, responses.</summary>
    Tools,

    /// <summary>Length in tokens against the sequence length.</summary>
    Length,

    /// <summary>Whole-file checks: too few examples.</summary>
    File,
}
