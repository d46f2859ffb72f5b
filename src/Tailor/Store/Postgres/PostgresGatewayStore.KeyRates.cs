using System.Collections.Concurrent;
using Npgsql;
using Tailor.Store.Relational;

namespace Tailor.Store.Postgres;

/// <summary>
/// Shared per-minute key limits: a row per key and calendar minute counts requests (at admission) and tokens (right
/// after the interactions that used them are written). Admission is a sliding-window counter over the current and
/// previous minute, read back from the count's own atomic increment, so instances admitting at once see each other's
/// counts.
/// </summary>
public sealed partial class PostgresGatewayStore
{
    private const string TakeRequest = """
        INSERT INTO key_rate_windows AS w (key_id, minute_ms, requests, tokens) VALUES (@key_id, @minute, @count, 0)
        ON CONFLICT (key_id, minute_ms) DO UPDATE SET requests = w.requests + @count
        RETURNING w.requests, w.tokens,
            COALESCE((SELECT p.requests FROM key_rate_windows p WHERE p.key_id = @key_id AND p.minute_ms = @previous), 0),
            COALESCE((SELECT p.tokens FROM key_rate_windows p WHERE p.key_id = @key_id AND p.minute_ms = @previous), 0)
        """;

    private const string GiveBack = "UPDATE key_rate_windows SET requests = requests - @count WHERE key_id = @key_id AND minute_ms = @minute";

    // Only keys admitted through the windows lately (those with a per-minute limit) are charged: others get no rows.
    private const string ChargeTokens = """
        INSERT INTO key_rate_windows AS w (key_id, minute_ms, requests, tokens)
        SELECT @key_id, @minute, 0, @tokens
        WHERE EXISTS (SELECT 1 FROM key_rate_windows r WHERE r.key_id = @key_id AND r.minute_ms >= @minute - 60000)
        ON CONFLICT (key_id, minute_ms) DO UPDATE SET tokens = w.tokens + EXCLUDED.tokens
        """;

    private long _prunedMinute;

    // A transaction on the key counts, sent whole in one round trip (the caller adds its statements and COMMIT): the
    // key's row is locked only while the server runs it, and the commit does not wait for the disk.
    private static NpgsqlBatch CountsTransaction(NpgsqlConnection connection)
    {
        var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
        // SET LOCAL rather than a connection option, which a pooler such as PgBouncer refuses.
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL synchronous_commit TO off"));
        return batch;
    }

    /// <summary>
    /// Adds the tokens of a batch just written to the minute rows of its keys, in a transaction of its own that does not
    /// wait for the disk. Not in the batch's transaction: that one holds its rows until its commit is synced, and the
    /// key's admissions, which count in the same row, would wait for every sync of the log. Only keys this instance
    /// admitted through the windows (those with a per-minute limit) are charged, so other traffic pays nothing.
    /// </summary>
    private async Task ChargeTokensAsync(NpgsqlConnection connection, IReadOnlyDictionary<string, (long Tokens, long AtMs)> usage)
    {
        NpgsqlBatch? charge = null;
        foreach (var (keyId, (tokens, at)) in usage)
        {
            if (tokens > 0 && _admissions.ContainsKey(keyId))
            {
                charge ??= CountsTransaction(connection);
                var add = new NpgsqlBatchCommand(ChargeTokens);
                InteractionRows.BindKeyRate(add, keyId, tokens, at);
                charge.BatchCommands.Add(add);
            }
        }

        if (charge is null)
        {
            return;
        }

        await using (charge.ConfigureAwait(false))
        {
            charge.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
            try
            {
                await charge.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is PostgresException || IsUnavailable(e))
            {
                // The interactions are written; failing now would have them written again. A count lost here costs the
                // token limit a batch's worth of accuracy, as a count lost to a crash does.
            }
        }
    }

    private readonly ConcurrentDictionary<string, KeyAdmissionQueue> _admissions = new(StringComparer.Ordinal);

    public Task<KeyRateDecision> TryTakeRequestAsync(
        string keyId, DateTimeOffset at, int? requestsPerMinute, long? tokensPerMinute, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        long now = at.ToUnixTimeMilliseconds();
        long minute = KeyRateWindow.MinuteOf(now);
        var request = new KeyAdmissionQueue.Request(minute, (now - minute) / (double)KeyRateWindow.MinuteMs, requestsPerMinute, tokensPerMinute);
        return _admissions.GetOrAdd(keyId, _ => new KeyAdmissionQueue())
            .TakeAsync(request, group => TakeRequestsAsync(keyId, group), cancellationToken);
    }

    /// <summary>
    /// Counts <paramref name="group"/> (requests of one key and minute, in arrival order) in one round trip and decides
    /// each as if they had come one by one: a request sees the count before the group plus the group's earlier admitted
    /// requests and itself. The refused are given back.
    /// </summary>
    private async Task<KeyRateDecision[]> TakeRequestsAsync(string keyId, IReadOnlyList<KeyAdmissionQueue.Request> group)
    {
        long minute = group[0].Minute;
        try
        {
            // The round trip serves every request of the group, so no one request's cancellation stops it. A count lost to
            // a crash (its commit does not wait for the disk) costs a few requests' worth of accuracy.
            await using var connection = await _dataSource.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
            await using var batch = CountsTransaction(connection);
            var take = new NpgsqlBatchCommand(TakeRequest);
            take.Parameters.AddWithValue("key_id", keyId);
            take.Parameters.AddWithValue("minute", minute);
            take.Parameters.AddWithValue("previous", minute - KeyRateWindow.MinuteMs);
            take.Parameters.AddWithValue("count", (long)group.Count);
            batch.BatchCommands.Add(take);
            if (Interlocked.Exchange(ref _prunedMinute, minute) != minute)
            {
                // Once a minute per instance: windows older than the sliding minute are no longer read.
                var prune = new NpgsqlBatchCommand("DELETE FROM key_rate_windows WHERE minute_ms < @old");
                prune.Parameters.AddWithValue("old", minute - (5 * KeyRateWindow.MinuteMs));
                batch.BatchCommands.Add(prune);
            }

            batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));

            long requests, tokens, previousRequests, previousTokens;
            await using (var reader = await batch.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false))
            {
                // BEGIN and SET come first, with results without columns.
                while (reader.FieldCount == 0 && await reader.NextResultAsync(CancellationToken.None).ConfigureAwait(false))
                {
                }

                await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false);
                (requests, tokens, previousRequests, previousTokens) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
            }

            var decisions = new KeyRateDecision[group.Count];
            long before = requests - group.Count, admitted = 0;
            for (int i = 0; i < group.Count; i++)
            {
                var r = group[i];
                decisions[i] = KeyRateWindow.Decide(before + admitted + 1, tokens, previousRequests, previousTokens, r.Elapsed, r.RequestsPerMinute, r.TokensPerMinute);
                admitted += decisions[i].Admitted ? 1 : 0;
            }

            if (admitted < group.Count)
            {
                // A refused request is not counted: a client retrying while refused does not push its wait further out.
                // Until it is given back, another instance may count it (and refuse a request at the limit's edge).
                await using var giveBack = CountsTransaction(connection);
                var update = new NpgsqlBatchCommand(GiveBack);
                update.Parameters.AddWithValue("key_id", keyId);
                update.Parameters.AddWithValue("minute", minute);
                update.Parameters.AddWithValue("count", group.Count - admitted);
                giveBack.BatchCommands.Add(update);
                giveBack.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
                await giveBack.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            }

            return decisions;
        }
        catch (Exception e) when (IsUnavailable(e))
        {
            throw Unavailable(e);
        }
    }
}
