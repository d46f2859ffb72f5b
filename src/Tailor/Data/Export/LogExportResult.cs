namespace Tailor.Data.Export;

/// <summary>What an export read and why it skipped what it skipped.</summary>
public sealed class LogExportResult
{
    public long Read { get; internal set; }
    public long Exported { get; internal set; }
    public long Corrected { get; internal set; }

    /// <summary>Skipped interactions per reason (<c>status</c>, <c>flagged</c>, <c>no feedback</c>, <c>feedback below</c>, <c>empty answer</c>, <c>model</c>).</summary>
    public Dictionary<string, long> Skipped { get; } = new(StringComparer.Ordinal);

    internal void Skip(string reason) => Skipped[reason] = Skipped.GetValueOrDefault(reason) + 1;
}
