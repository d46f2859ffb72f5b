using Tailor.Spec;

namespace Tailor.Moderation;

/// <summary>How a <see cref="Moderator"/> turns classifier scores into findings.</summary>
public sealed record ModeratorOptions
{
    /// <summary>Thresholds per category for every classifier (a classifier's own settings win; a route's win over these).</summary>
    public IReadOnlyDictionary<string, double> Thresholds { get; init; } = new Dictionary<string, double>();

    public ModerationCombineMode Combine { get; init; } = ModerationCombineMode.Any;

    /// <summary>Block when a classifier fails; otherwise the failure is recorded and the others decide.</summary>
    public bool BlockOnError { get; init; }

    /// <summary>The threshold used when nothing else gives one and the classifier does not judge by itself.</summary>
    public double DefaultThreshold { get; init; } = 0.5;

    /// <summary>Clock for <see cref="ModerationVerdict.ElapsedMs"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
