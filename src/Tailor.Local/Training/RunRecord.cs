using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tailor.Local.Training;

/// <summary>
/// The JSON record of a training run: what went in (base model, data hashes, options), what came out, and the metrics
/// of every step, validation and checkpoint. Written next to the output when the run ends (also when it is cancelled),
/// and continued by a resumed run.
/// </summary>
/// <remarks>Not thread-safe; the trainer fills it from its one thread.</remarks>
public sealed class RunRecord
{
    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string Kind { get; init; } = "tailor.training-run";

    public int Version { get; init; } = 1;

    public string Mode { get; set; } = "";

    public string BaseModel { get; set; } = "";

    public string BaseModelSha256 { get; set; } = "";

    public string Output { get; set; } = "";

    public bool OutputIsAdapter { get; set; }

    public TrainingOptions? Options { get; set; }

    public string OptionsFingerprint { get; set; } = "";

    public int TrainingExamples { get; set; }

    public int ValidationExamples { get; set; }

    public string TrainDataSha256 { get; set; } = "";

    public string ValidationDataSha256 { get; set; } = "";

    public long TrainedTokensPerEpoch { get; set; }

    public long Parameters { get; set; }

    public long TrainableParameters { get; set; }

    public string GgmlBuild { get; set; } = "";

    public int Threads { get; set; }

    public DateTimeOffset Started { get; set; }

    public DateTimeOffset? Finished { get; set; }

    /// <summary><c>running</c>, <c>completed</c>, <c>cancelled</c> or <c>failed</c>.</summary>
    public string Status { get; set; } = "running";

    /// <summary>Checkpoints this run resumed from, in order.</summary>
    public List<string> ResumedFrom { get; init; } = [];

    public List<TrainingStepCompleted> Steps { get; init; } = [];

    public List<ValidationCompleted> Validations { get; init; } = [];

    public List<CheckpointSaved> Checkpoints { get; init; } = [];

    public ExportVerified? Verification { get; set; }

    /// <summary>Writes the record to <paramref name="path"/> through a temporary file.</summary>
    public void Save(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full + ".tmp", JsonSerializer.Serialize(this, JsonOptions));
        File.Move(full + ".tmp", full, overwrite: true);
    }

    /// <summary>Reads a record; null when the file is missing or is not a run record.</summary>
    public static RunRecord? TryLoad(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<RunRecord>(File.ReadAllText(path), JsonOptions) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
