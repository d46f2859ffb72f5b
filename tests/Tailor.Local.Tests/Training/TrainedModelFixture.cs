using Microsoft.Extensions.AI;
using Tailor.Local.Inference;
using Tailor.Local.Training;

namespace Tailor.Local.Tests.Training;

/// <summary>Training tests share the cores: they run one at a time, and the trained Q/A model is made once for all of them.</summary>
[CollectionDefinition(Name)]
public sealed class TrainingCollection : ICollectionFixture<TrainedModelFixture>
{
    public const string Name = "training";
}

/// <summary>The Q/A set learned by full fine-tuning of <see cref="TrainingData.BaseModel"/> (a few seconds on 2 cores).</summary>
public sealed class TrainedModelFixture : IDisposable
{
    /// <summary>Enough to memorise 24 short answers with a 0.13 M model: ~130 epochs of 3 micro-batches.</summary>
    public static TrainingOptions QaOptions => new()
    {
        Steps = 400,
        BatchSize = 8,
        SequenceLength = 64,
        LearningRate = 1e-2f,
        MinLearningRate = 1e-3f,
        WarmupSteps = 10,
        WeightDecay = 0,
        MaxGradNorm = 1,
        Seed = 3,
        Threads = 1,
    };

    private readonly TempDirectory _directory = new();

    public TrainedModelFixture()
    {
        ModelPath = _directory.File("qa.gguf");
        var events = new List<TrainingEvent>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Result = LocalTrainer.Train(
            new TrainingJob { BaseModelPath = TrainingData.BaseModel, OutputPath = ModelPath, Examples = TrainingData.Chats(TrainingData.Pairs), Options = QaOptions },
            new SyncProgress(events.Add));
        Events = events;
        Seconds = clock.Elapsed.TotalSeconds;
    }

    /// <summary>Wall time of the training run (reported, never asserted).</summary>
    public double Seconds { get; }

    public string ModelPath { get; }

    public TrainingResult Result { get; }

    public IReadOnlyList<TrainingEvent> Events { get; }

    public void Dispose() => _directory.Dispose();

    /// <summary>Asks every question greedily through <see cref="LocalChatClient"/>; returns what came back.</summary>
    public static async Task<List<(string Expected, string Got)>> AskAll(string modelPath, string? adapter, IEnumerable<(string Question, string Answer)> pairs)
    {
        using var model = LocalModel.Load(modelPath);
        using var client = new LocalChatClient(model, new LocalChatClientOptions
        {
            ContextSize = 128,
            Threads = 1,
            Adapters = adapter is null ? [] : [new LoraAdapterReference(adapter)],
        });
        var results = new List<(string, string)>();
        foreach (var (question, answer) in pairs)
        {
            var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, question)], new ChatOptions { Temperature = 0, MaxOutputTokens = 16 }, TestContext.Current.CancellationToken);
            results.Add((answer, response.Text));
        }

        return results;
    }
}

/// <summary>Reports on the caller's thread, in order (unlike <see cref="Progress{T}"/>, which posts).</summary>
public sealed class SyncProgress(Action<TrainingEvent> report) : IProgress<TrainingEvent>
{
    public void Report(TrainingEvent value) => report(value);
}
