using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Tailor.Data.Formats;
using Tailor.Data.Validation;

namespace Tailor.Bench.Data;

/// <summary>
/// Validation throughput against its floor, on the same in-memory JSONL: a bare Utf8JsonReader token
/// walk per line (the least any validator must do), our parser alone, and the full validator
/// (parse + every rule). MB/s = file size / mean time.
/// </summary>
[MemoryDiagnoser]
public class ValidationThroughputBenchmarks
{
    private byte[] _file = [];

    [GlobalSetup]
    public void Setup() => _file = SyntheticChats.File(40_000);

    /// <summary>Bytes per operation, for MB/s.</summary>
    public long Bytes => _file.Length;

    [Benchmark(Baseline = true)]
    public long Utf8JsonReaderFloor()
    {
        long tokens = 0;
        var reader = new JsonlLineReader(new MemoryStream(_file, writable: false));
        while (reader.TryRead(out var line))
        {
            var json = new Utf8JsonReader(line.Content);
            while (json.Read())
            {
                tokens++;
            }
        }
        return tokens;
    }

    [Benchmark]
    public long ParseOnly()
    {
        long messages = 0;
        var reader = new JsonlLineReader(new MemoryStream(_file, writable: false));
        while (reader.TryRead(out var line))
        {
            messages += ConversationLineParser.Parse(line.Content).Conversation?.Messages.Count ?? 0;
        }
        return messages;
    }

    [Benchmark]
    public long Validate()
    {
        long valid = 0;
        foreach (var verdict in new DatasetValidator().Validate(new MemoryStream(_file, writable: false)))
        {
            valid += verdict.IsValid ? 1 : 0;
        }
        return valid;
    }
}
