using System.Text.Json.Nodes;

namespace Tailor.Testing;

/// <summary>
/// The state of one job on a fake fine-tuning server: its request, where it is in its script, and what it has reported
/// (status changes, metrics). Vendor-neutral; the servers render it in their vendor's JSON.
/// </summary>
/// <remarks>Guarded by its server's lock.</remarks>
public sealed class FakeTuningJob
{
    internal FakeTuningJob(string id, string model, JsonObject request, IReadOnlyList<FakeTuningStage> script, DateTimeOffset created, bool autoStart)
    {
        Id = id;
        Model = model;
        Request = request;
        Script = script;
        CreatedAt = created;
        StageStartedAt = created;
        AutoStart = autoStart;
    }

    public string Id { get; }

    /// <summary>The base model.</summary>
    public string Model { get; }

    /// <summary>The creation request's JSON body.</summary>
    public JsonObject Request { get; }

    public IReadOnlyList<FakeTuningStage> Script { get; }

    public DateTimeOffset CreatedAt { get; }

    public bool AutoStart { get; }

    /// <summary>The vendor status now.</summary>
    public string Status { get; internal set; } = "";

    /// <summary>Index of the next stage to apply.</summary>
    public int NextStage { get; internal set; }

    internal DateTimeOffset StageStartedAt { get; set; }

    /// <summary>A stage that goes before the rest of the script (a cancellation).</summary>
    internal FakeTuningStage? Interjected { get; set; }

    /// <summary>Waiting for an explicit start (Mistral, auto_start false) or resume (OpenAI, paused).</summary>
    public bool Held { get; internal set; }

    /// <summary>Every status the job went through, with when.</summary>
    public List<(string Status, DateTimeOffset At)> StatusHistory { get; } = [];

    /// <summary>Metrics reported so far, with when.</summary>
    public List<(FakeTuningMetrics Metrics, DateTimeOffset At)> Reported { get; } = [];

    public string? FineTunedModel { get; internal set; }

    /// <summary>Tokens the job trains on, as the fake computed them at creation.</summary>
    public long? TrainTokens { get; internal set; }

    /// <summary>Tokens of its training data (words, for the fakes).</summary>
    public long? DataTokens { get; internal set; }

    /// <summary>Steps it runs.</summary>
    public long? PlannedSteps { get; internal set; }

    /// <summary>Passes over the data it makes.</summary>
    public double? PlannedEpochs { get; internal set; }

    public string? Error { get; internal set; }

    public string? ErrorCode { get; internal set; }

    public DateTimeOffset ModifiedAt { get; internal set; }

    public DateTimeOffset? FinishedAt { get; internal set; }

    internal void Move(string status, DateTimeOffset at)
    {
        Status = status;
        ModifiedAt = at;
        StatusHistory.Add((status, at));
    }
}
