namespace Tailor.Spec.Coverage;

/// <summary>A dataset that was scanned for coverage.</summary>
/// <param name="File">The dataset file, as written in tailor.yaml.</param>
/// <param name="Found">False when the file does not exist (the counts are then 0).</param>
/// <param name="Lines">Non-blank lines.</param>
/// <param name="Examples">Lines that parsed as JSON objects.</param>
/// <param name="Skipped">Lines that did not (<c>Lines = Examples + Skipped</c>).</param>
public sealed record DatasetSummary(string File, bool Found, long Lines, long Examples, long Skipped);
