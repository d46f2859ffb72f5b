using System.Data.Common;

namespace Tailor.Store.Relational;

/// <summary>
/// The statements that write a batch of interactions (their prompt versions, their rows, their keys' usage) on one
/// connection, each created once and re-bound for every row. Microsoft.Data.Sqlite prepares a command's SQL on its first
/// execution and keeps the prepared statement while the command lives, so a batch, or the SQLite store's single writer
/// connection, parses and plans the SQL once instead of once per row (a new command per row prepared it every time).
/// </summary>
/// <remarks>Not thread-safe: used by one writer at a time, like its connection.</remarks>
internal sealed class InteractionWriteCommands(DbConnection connection, string? keyRateChargeSql = null, IInteractionRowWriter? rows = null) : IDisposable
{
    private readonly HashSet<string> _promptsWritten = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, (long Tokens, long AtMs)> _usage = new(StringComparer.Ordinal);
    private DbCommand? _prompt;
    private DbCommand? _insert;
    private DbCommand? _keyUsage;
    private DbCommand? _keyRate;

    /// <summary>
    /// Writes <paramref name="batch"/> in <paramref name="transaction"/>: each prompt version once, every row, and one
    /// usage update per key (a batch from one key touches its row once, not once per record), and, for a store that keeps
    /// shared per-minute counts, the key's tokens added to the minute they were used in. Keys are updated in id
    /// order, so two gateways sharing a PostgreSQL database never lock the same keys in opposite orders.
    /// </summary>
    public async Task WriteAsync(IReadOnlyList<Interaction> batch, DbTransaction transaction, CancellationToken cancellationToken)
    {
        _promptsWritten.Clear();
        _usage.Clear();
        foreach (var interaction in batch)
        {
            if (interaction.PromptVersion is { } version && interaction.PromptText is not null && _promptsWritten.Add(version))
            {
                var prompt = Prepare(ref _prompt, InteractionRows.InsertPrompt, transaction);
                InteractionRows.BindPrompt(prompt, interaction);
                await prompt.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            if (rows is not null)
            {
                rows.Insert(interaction);
            }
            else
            {
                var insert = Prepare(ref _insert, InteractionRows.Insert, transaction);
                InteractionRows.BindInsert(insert, interaction);
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            if (interaction.KeyId is { } keyId)
            {
                long tokens = (interaction.InputTokens ?? 0) + (interaction.OutputTokens ?? 0);
                long at = (interaction.CompletedAt ?? interaction.StartedAt).ToUnixTimeMilliseconds();
                _usage[keyId] = _usage.TryGetValue(keyId, out var sum) ? (sum.Tokens + tokens, Math.Max(sum.AtMs, at)) : (tokens, at);
            }
        }

        foreach (var (keyId, (tokens, at)) in _usage)
        {
            var keyUsage = Prepare(ref _keyUsage, InteractionRows.AddKeyUsage, transaction);
            InteractionRows.BindKeyUsage(keyUsage, keyId, tokens, at);
            await keyUsage.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            if (keyRateChargeSql is not null)
            {
                var keyRate = Prepare(ref _keyRate, keyRateChargeSql, transaction);
                InteractionRows.BindKeyRate(keyRate, keyId, tokens, at);
                await keyRate.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public void Dispose()
    {
        _prompt?.Dispose();
        _insert?.Dispose();
        _keyUsage?.Dispose();
        _keyRate?.Dispose();
        rows?.Dispose();
    }

    private DbCommand Prepare(ref DbCommand? command, string sql, DbTransaction transaction)
    {
        if (command is null)
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
        }

        command.Transaction = transaction;
        return command;
    }
}
