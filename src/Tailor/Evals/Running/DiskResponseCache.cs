using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Tailor.Evals.Running;

/// <summary>A cached answer and how long the original call took.</summary>
public sealed record CachedResponse(ChatResponse Response, double LatencyMs);

/// <summary>
/// A response cache on disk: one JSON file per key under <c>&lt;root&gt;/&lt;2 hex&gt;/&lt;key&gt;.json</c>,
/// written to a temporary file and moved into place so a crash never leaves half an entry. Entries older
/// than the time to live are ignored (and overwritten on the next store).
/// </summary>
/// <remarks>Thread-safe: concurrent writers of one key both write whole files; the last move wins. Unreadable entries count as misses.</remarks>
public sealed class DiskResponseCache
{
    private static readonly JsonSerializerOptions Json = AIJsonUtilities.DefaultOptions;
    private readonly TimeProvider _time;

    public DiskResponseCache(string root, TimeSpan? timeToLive = null, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        Root = Path.GetFullPath(root);
        TimeToLive = timeToLive ?? TimeSpan.FromDays(14);
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The cache directory (<c>.tailor/cache/responses</c> in a project).</summary>
    public string Root { get; }

    public TimeSpan TimeToLive { get; }

    public CachedResponse? TryGet(string key)
    {
        string path = PathOf(key);
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists || _time.GetUtcNow() - info.LastWriteTimeUtc > TimeToLive)
            {
                return null;
            }

            using var stream = info.OpenRead();
            using var document = JsonDocument.Parse(stream);
            double latency = document.RootElement.GetProperty("latency_ms").GetDouble();
            var response = (ChatResponse?)document.RootElement.GetProperty("response").Deserialize(Json.GetTypeInfo(typeof(ChatResponse)));
            return response is null ? null : new CachedResponse(response, latency);
        }
        catch (Exception ex) when (ex is IOException or JsonException or KeyNotFoundException or InvalidOperationException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public void Store(string key, ChatResponse response, double latencyMs)
    {
        ArgumentNullException.ThrowIfNull(response);
        string path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string temporary = $"{path}.{Environment.ProcessId}.{Environment.CurrentManagedThreadId}.{Guid.NewGuid():N}.tmp";
        using (var stream = File.Create(temporary))
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteNumber("latency_ms", latencyMs);
            writer.WritePropertyName("response");
            JsonSerializer.Serialize(writer, response, Json.GetTypeInfo(typeof(ChatResponse)));
            writer.WriteEndObject();
        }

        File.Move(temporary, path, overwrite: true);
    }

    private string PathOf(string key)
    {
        if (key.Length < 3 || !key.All(char.IsAsciiHexDigitLower))
        {
            throw new ArgumentException("a cache key is lowercase hex", nameof(key));
        }

        return Path.Combine(Root, key[..2], key + ".json");
    }
}
