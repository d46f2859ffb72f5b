using Tailor.Local.Gguf;
using Tailor.Local.Native;
using Tailor.Local.Training.Graph;

namespace Tailor.Local.Training.Checkpoints;

/// <summary>
/// A checkpoint is one GGUF: every trainable tensor under its own name, its AdamW moments as <c>opt.m.&lt;name&gt;</c> and
/// <c>opt.v.&lt;name&gt;</c>, the step, and the <see cref="RunIdentity"/> it belongs to. The data position needs no field:
/// micro-batch k is a pure function of the step. Written to a temporary file, flushed to disk, then renamed, so a crash
/// leaves either the old checkpoint or the new one.
/// </summary>
internal static unsafe class CheckpointFile
{
    public const string FileType = "tailor.checkpoint";
    private const string Prefix = "tailor.checkpoint.";

    /// <summary>Writes the engine's state at its current step to <paramref name="path"/>.</summary>
    public static void Write(string path, TrainingEngine engine, RunIdentity identity, string optionsJson)
    {
        var writer = new GgufWriter();
        writer.Metadata.Set(GgufKeys.Type, GgufValue.String(FileType))
            .Set(Prefix + "version", GgufValue.UInt32(1))
            .Set(Prefix + "step", GgufValue.UInt64((ulong)engine.Step))
            .Set(Prefix + "mode", GgufValue.String(identity.Mode))
            .Set(Prefix + "options_fingerprint", GgufValue.String(identity.OptionsFingerprint))
            .Set(Prefix + "train_data_sha256", GgufValue.String(identity.TrainDataHash))
            .Set(Prefix + "validation_data_sha256", GgufValue.String(identity.ValidationDataHash))
            .Set(Prefix + "base_model_sha256", GgufValue.String(identity.BaseModelHash))
            .Set(Prefix + "ggml_build", GgufValue.String(identity.GgmlBuild))
            .Set(Prefix + "options", GgufValue.String(optionsJson));
        foreach (var (weight, m, v) in engine.OptimizerState)
        {
            foreach (var t in new[] { weight, m, v })
            {
                var tensor = (GgmlTensor*)t;
                writer.AddTensor(tensor->GetName(), Shape(tensor), Ggml.Download<float>(tensor));
            }
        }

        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = full + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            writer.Write(stream);
            stream.Flush(flushToDisk: true); // fsync before the rename: the rename must never expose a file still in the page cache only
        }

        File.Move(temporary, full, overwrite: true);
    }

    /// <summary>Reads the identity and step of a checkpoint without loading its tensors.</summary>
    public static (RunIdentity Identity, long Step) ReadHeader(string path)
    {
        using var file = Open(path);
        return Header(file, path);
    }

    /// <summary>Loads a checkpoint into <paramref name="engine"/> after checking it belongs to <paramref name="expected"/>; returns its step.</summary>
    public static long Load(string path, TrainingEngine engine, RunIdentity expected)
    {
        using var file = Open(path);
        var (identity, step) = Header(file, path);
        var differences = expected.Differences(identity);
        if (differences.Count > 0)
        {
            throw new TrainingException($"{path} belongs to another run and cannot resume this one:{Environment.NewLine}- {string.Join(Environment.NewLine + "- ", differences)}", isInputError: true);
        }

        foreach (var (weight, m, v) in engine.OptimizerState)
        {
            foreach (var t in new[] { weight, m, v })
            {
                var tensor = (GgmlTensor*)t;
                var name = tensor->GetName();
                var info = file.FindTensor(name) ?? throw new TrainingException($"{path} lacks tensor '{name}'", isInputError: true);
                if (info.Type != GgmlType.F32 || !info.Shape.SequenceEqual(Shape(tensor)))
                {
                    throw new TrainingException($"{path}: tensor '{name}' is {GgmlTypeTraits.Name(info.Type)} [{string.Join(", ", info.Shape)}], not f32 [{string.Join(", ", Shape(tensor))}]", isInputError: true);
                }

                Ggml.Upload<float>(tensor, file.ReadTensorAsSingle(info));
            }
        }

        engine.Step = step;
        return step;
    }

    private static GgufFile Open(string path)
    {
        try
        {
            return GgufFile.Open(path);
        }
        catch (Exception ex) when (ex is IOException or GgufFormatException or UnauthorizedAccessException)
        {
            throw new TrainingException($"cannot read checkpoint {path}: {ex.Message}", isInputError: true, ex);
        }
    }

    private static (RunIdentity, long) Header(GgufFile file, string path)
    {
        var m = file.Metadata;
        if (m.GetString(GgufKeys.Type) != FileType)
        {
            throw new TrainingException($"{path} is not a Tailor checkpoint (general.type is '{m.GetString(GgufKeys.Type) ?? "(none)"}')", isInputError: true);
        }

        string Text(string key) => m.GetString(Prefix + key) ?? throw new TrainingException($"{path} lacks {Prefix}{key}", isInputError: true);
        var identity = new RunIdentity(Text("mode"), Text("options_fingerprint"), Text("train_data_sha256"), Text("validation_data_sha256"), Text("base_model_sha256"), Text("ggml_build"));
        var step = m.GetInt64(Prefix + "step") ?? throw new TrainingException($"{path} lacks {Prefix}step", isInputError: true);
        return (identity, step);
    }

    private static long[] Shape(GgmlTensor* t) => t->Ne[1] == 1 && t->Ne[2] == 1 && t->Ne[3] == 1 ? [t->Ne[0]] : [t->Ne[0], t->Ne[1]];
}
