using Tailor.Spec;

namespace Tailor.Evals.Suites;

/// <summary>
/// An eval suite as loaded from its YAML file: the cases to run, the scorers that judge them, and the
/// model and judge it names. Cases written in the file are in <see cref="Cases"/>; cases in JSONL or
/// CSV files (<see cref="CaseFiles"/>) are streamed by <see cref="SuiteCases.ReadAllAsync"/> when the
/// suite runs, so a large case file never has to fit in memory.
/// </summary>
/// <remarks>Immutable once loaded; safe to share across threads.</remarks>
public sealed record EvalSuite
{
    /// <summary>The suite's id: its <c>id:</c>, else the file name without extension. Gates name suites by it.</summary>
    public required string Id { get; init; }

    /// <summary>Absolute path of the suite file.</summary>
    public required string SourcePath { get; init; }

    /// <summary>The path as the user named it, for messages.</summary>
    public required string DisplayPath { get; init; }

    public string? Description { get; init; }

    /// <summary>Objective and policy ids every case serves.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>The model alias under test when the command names none.</summary>
    public string? Model { get; init; }

    /// <summary>The judge model alias for <c>judge</c> scorers that name none.</summary>
    public string? Judge { get; init; }

    /// <summary>A judge prompt template replacing the built-in one (see <see cref="Judging.JudgePrompts"/>), or null.</summary>
    public string? JudgePrompt { get; init; }

    /// <summary>Variables every case's templates can use.</summary>
    public IReadOnlyDictionary<string, string> Variables { get; init; } = new Dictionary<string, string>();

    /// <summary>Scorers for cases that list none of their own; when empty too, <see cref="ScorerSpec.DefaultFor"/>.</summary>
    public IReadOnlyList<ScorerSpec> DefaultScorers { get; init; } = [];

    /// <summary>Weighted score a case needs to pass; null means every scorer must pass.</summary>
    public double? Threshold { get; init; }

    /// <summary>How many times each case runs (samples per case).</summary>
    public int Repeat { get; init; } = 1;

    /// <summary>Cases written in the suite file.</summary>
    public IReadOnlyList<EvalCase> Cases { get; init; } = [];

    /// <summary>JSONL or CSV files of further cases (absolute paths), read in order after <see cref="Cases"/>.</summary>
    public IReadOnlyList<CaseFile> CaseFiles { get; init; } = [];

    /// <summary>SHA-256 (12 hex) of the suite file's text; a resumed run warns when it changed.</summary>
    public string ContentHash { get; init; } = "";
}

/// <summary>A file of cases named by <c>cases_from:</c>: its path as written (for messages) and in full.</summary>
public sealed record CaseFile(string DisplayPath, string FullPath);
