using Tailor.Store;

namespace Tailor.Tuning;

/// <summary>Where a <see cref="TuningJobManager"/> works and what clock it reads. Immutable.</summary>
public sealed record TuningManagerOptions
{
    /// <summary>The directory of tailor.yaml; data paths and local references resolve against it.</summary>
    public required string ProjectDirectory { get; init; }

    /// <summary>Where jobs keep their files; default <c>.tailor/tuning</c> in the project.</summary>
    public string? JobsDirectory { get; init; }

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Makes job and model ids; default one on <see cref="TimeProvider"/>.</summary>
    public UlidGenerator? Ulids { get; init; }

    /// <summary>Shows a path in messages (relative to the working directory, say); default as is.</summary>
    public Func<string, string> DisplayPath { get; init; } = path => path;

    internal string ResolvedJobsDirectory => JobsDirectory ?? Path.Combine(ProjectDirectory, ".tailor", "tuning");
}
