namespace Tailor.Tuning;

/// <summary>A job after a refresh, and the events the refresh added (what a watcher prints). Immutable.</summary>
public sealed record TuningRefresh(TuningJob Job, IReadOnlyList<TuningEvent> NewEvents);
