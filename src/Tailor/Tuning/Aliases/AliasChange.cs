namespace Tailor.Tuning.Aliases;

/// <summary>
/// One promotion of a model alias in tailor.yaml: the keys of the alias's entry before and after, as YAML text (null: the
/// key was absent). <c>tailor models rollback</c> writes <see cref="Before"/> back. Immutable.
/// </summary>
public sealed record AliasChange
{
    public required string Id { get; init; }

    /// <summary>The full path of the tailor.yaml edited.</summary>
    public required string SpecPath { get; init; }

    public required string Alias { get; init; }

    /// <summary>The registry model promoted (null for a rollback record).</summary>
    public string? ModelId { get; init; }

    public required DateTimeOffset At { get; init; }

    public required IReadOnlyDictionary<string, string?> Before { get; init; }

    public required IReadOnlyDictionary<string, string?> After { get; init; }

    /// <summary>The alias's whole entry as it was written before (from its colon to its last character): what a rollback restores exactly.</summary>
    public required string BeforeText { get; init; }

    /// <summary>The entry as the promotion wrote it; a rollback restores <see cref="BeforeText"/> verbatim only while the entry still reads so.</summary>
    public required string AfterText { get; init; }

    /// <summary>When it was undone by a rollback; null while it stands.</summary>
    public DateTimeOffset? RolledBackAt { get; init; }
}
