using Npgsql;
using Tailor.Store.Relational;

namespace Tailor.Store.Postgres;

/// <summary>
/// Shared per-minute key limits: a row per key and calendar minute counts requests (at admission) and tokens (with
/// the interactions, in their transaction). Admission is a sliding-window counter over the current and previous
/// minute, decided under the row's lock so instances admitting at once see each other's counts.
/// </summary>
public sealed partial class PostgresGatewayStore
{
    private const string TakeRequest = """
        INSERT INTO key_rate_windows AS w (key_id, minute_ms, requests, tokens) VALUES (@key_id, @minute, 1, 0)
        ON CONFLICT (key_id, minute_ms) DO UPDATE SET requests = w.requests + 1
        RETURNING w.requests, w.tokens,
            COALESCE((SELECT p.requests FROM key_rate_windows p WHERE p.key_id = @key_id AND p.minute_ms = @previous), 0),
            COALESCE((SELECT p.tokens FROM key_rate_windows p WHERE p.key_id = @key_id AND p.minute_ms = @previous), 0)
        """;

    // Only keys admitted through the windows lately (those with a per-minute limit) are charged: others get no rows.
    private const string ChargeTokens = """
        INSERT INTO key_rate_windows AS w (key_id, minute_ms, requests, tokens)
        SELECT @key_id, @minute, 0, @tokens
        WHERE EXISTS (SELECT 1 FROM key_rate_windows r WHERE r.key_id = @key_id AND r.minute_ms >= @minute - 60000)
        ON CONFLICT (key_id, minute_ms) DO UPDATE SET tokens = w.tokens + EXCLUDED.tokens
        """;

    private long _prunedMinute;

    public async Task<KeyRateDecision> TryTakeRequestAsync(
        string keyId, DateTimeOffset at, int? requestsPerMinute, long? tokensPerMinute, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        long now = at.ToUnixTimeMilliseconds();
        long minute = KeyRateWindow.MinuteOf(now);
        double elapsed = (now - minute) / (double)KeyRateWindow.MinuteMs;
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var batch = new NpgsqlBatch(connection, tx);
            // A lost counter update costs at most a request's worth of accuracy; it need not wait for the disk.
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL synchronous_commit TO off"));
            var take = new NpgsqlBatchCommand(TakeRequest);
            take.Parameters.AddWithValue("key_id", keyId);
            take.Parameters.AddWithValue("minute", minute);
            take.Parameters.AddWithValue("previous", minute - KeyRateWindow.MinuteMs);
            batch.BatchCommands.Add(take);
            if (Interlocked.Exchange(ref _prunedMinute, minute) != minute)
            {
                // Once a minute per instance: windows older than the sliding minute are no longer read.
                var prune = new NpgsqlBatchCommand("DELETE FROM key_rate_windows WHERE minute_ms < @old");
                prune.Parameters.AddWithValue("old", minute - (5 * KeyRateWindow.MinuteMs));
                batch.BatchCommands.Add(prune);
            }

            long requests, tokens, previousRequests, previousTokens;
            await using (var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                // The SET before it has a result without columns.
                while (reader.FieldCount == 0 && await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
                {
                }

                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                (requests, tokens, previousRequests, previousTokens) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
            }

            var decision = KeyRateWindow.Decide(requests, tokens, previousRequests, previousTokens, elapsed, requestsPerMinute, tokensPerMinute);
            if (decision.Admitted)
            {
                await tx.CommitAsync(CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                // A refused request is not counted: a client retrying while refused does not push its wait further out.
                await tx.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
            }

            return decision;
        }
        catch (Exception e) when (IsUnavailable(e) && !cancellationToken.IsCancellationRequested)
        {
            throw Unavailable(e);
        }
    }
}
