using System.Text.Json;
using Tailor.Data.Tokens;
using Tailor.Store.Sqlite;
using Tailor.Testing;
using Tailor.Tuning;
using Tailor.Tuning.Backends;

namespace Tailor.Tests.Tuning;

/// <summary>A temporary project for tuning tests: data files, a real SQLite store, and a manager over the backends under test.</summary>
internal sealed class TuningSandbox : IAsyncDisposable
{
    public const string Key = "test-key-123";

    public TuningSandbox(TimeProvider? time = null)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("tailor-tuning-").FullName;
        Time = time ?? TimeProvider.System;
        Store = SqliteInteractionStore.Open(Path.Combine(Directory, ".tailor", "tailor.db"), Time);
    }

    public string Directory { get; }

    public TimeProvider Time { get; }

    public SqliteInteractionStore Store { get; }

    public string PathOf(string relative) => Path.Combine(Directory, relative);

    /// <summary>Writes <paramref name="count"/> valid chat examples (question, answer about a numbered topic) to <paramref name="relative"/>.</summary>
    public string WriteChats(string relative, int count, string topic = "billing")
    {
        var lines = Enumerable.Range(1, count).Select(i => JsonSerializer.Serialize(new
        {
            messages = new object[]
            {
                new { role = "user", content = $"Question {i} about {topic}: how do I change plan {i}?" },
                new { role = "assistant", content = $"Open Billing, choose plan {i} and confirm. It applies from the next cycle." },
            },
        }));
        return WriteLines(relative, lines);
    }

    public string WriteLines(string relative, IEnumerable<string> lines)
    {
        string path = PathOf(relative);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, string.Join("\n", lines) + "\n");
        return path;
    }

    public static HostedTuningOptions Hosted(FakeFineTuningServer server, string keyVariable, TimeProvider? time = null) => new()
    {
        DefaultBaseUri = server.BaseUrl,
        DefaultKeyVariable = keyVariable,
        GetEnvironmentVariable = name => name == keyVariable ? Key : null,
        TimeProvider = time ?? TimeProvider.System,
        RetryBaseDelay = TimeSpan.FromMilliseconds(1),
    };

    public TuningJobManager Manager(params ITuningBackend[] backends) =>
        new(Store, backends, new TuningManagerOptions { ProjectDirectory = Directory, TimeProvider = Time });

    public static ITokenCounter Counter { get; } = new TiktokenEstimateCounter();

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
