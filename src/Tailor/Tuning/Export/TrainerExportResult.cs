using Tailor.Tuning.Preflight;

namespace Tailor.Tuning.Export;

/// <summary>What an export wrote, or why it did not (pre-flight blocked it). Immutable.</summary>
public sealed record TrainerExportResult(string Directory, PreflightReport Preflight, IReadOnlyList<string> Files, bool Blocked);
