namespace Tailor.Data.Validation;

/// <summary>A validation rule: its code, the bucket it counts in, its default severity, what it checks and how to fix a line that breaks it.</summary>
public sealed record DataRule(string Code, IssueBucket Bucket, IssueSeverity Severity, string Checks, string Hint);
