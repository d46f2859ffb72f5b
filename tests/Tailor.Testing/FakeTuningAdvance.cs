namespace Tailor.Testing;

/// <summary>What moves a fake fine-tuning job to its next stage.</summary>
public enum FakeTuningAdvance
{
    /// <summary>Each GET of the job moves it one stage (what a polling client sees of a quick job).</summary>
    OnPoll,

    /// <summary>The server's clock: a stage is reached once its <see cref="FakeTuningStage.After"/> has passed.</summary>
    ByClock,

    /// <summary>Only <see cref="FakeFineTuningServer.Advance"/> moves jobs.</summary>
    Manual,
}
