using System.Data.Common;

namespace Tailor.Store.Relational;

/// <summary>
/// The statements that write a batch of interactions (their prompt versions, their rows, their keys' usage) on one
/// connection. Run one by one, each is created once and re-bound for every row: Microsoft.Data.Sqlite prepares a
/// command's SQL on its first execution and keeps the prepared statement while the command lives, so a batch, or the
/// SQLite store's single writer connection, parses and plans the SQL once instead of once per row. Batched
/// (<paramref name="batched"/>, for a server), they go as one <see cref="DbBatch"/>: one round trip for the whole batch.
/// </summary>
/// <remarks>Not thread-safe: used by one writer at a time, like its connection.</remarks>
internal sealed class InteractionWriteCommands(DbConnection connection, IInteractionRowWriter? rows = null, bool batched = false) : IDisposable
{
    private readonly HashSet<string> _promptsWritten = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, (long Tokens, long AtMs)> _usage = new(StringComparer.Ordinal);
    private DbCommand? _prompt;
    private DbCommand? _insert;
    private DbCommand? _keyUsage;

    /// <summary>The tokens of the last batch written per key, with the time of its last answer (Unix ms), by key id.</summary>
    public IReadOnlyDictionary<string, (long Tokens, long AtMs)> Usage => _usage;

    /// <summary>
    /// Writes <paramref name="batch"/> in <paramref name="transaction"/>: each prompt version once, every row, and one
    /// usage update per key (a batch from one key touches its row once, not once per record). Keys are updated in id
    /// order, so two gateways sharing a PostgreSQL database never lock the same keys in opposite orders. Batched without
    /// a transaction, the statements run in the server's implicit transaction of the batch (PostgreSQL's, for one Sync).
    /// </summary>
    public async Task WriteAsync(IReadOnlyList<Interaction> batch, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        _promptsWritten.Clear();
        _usage.Clear();
        using var statements = batched ? connection.CreateBatch() : null;
        if (statements is not null)
        {
            statements.Transaction = transaction;
        }

        foreach (var interaction in batch)
        {
            if (interaction.PromptVersion is { } version && interaction.PromptText is not null && _promptsWritten.Add(version))
            {
                var prompt = Next(statements, ref _prompt, InteractionRows.InsertPrompt, transaction);
                InteractionRows.BindPrompt(prompt, interaction);
                await prompt.RunAsync(cancellationToken).ConfigureAwait(false);
            }

            if (rows is not null)
            {
                rows.Insert(interaction);
            }
            else
            {
                var insert = Next(statements, ref _insert, InteractionRows.Insert, transaction);
                InteractionRows.BindInsert(insert, interaction);
                await insert.RunAsync(cancellationToken).ConfigureAwait(false);
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
            var keyUsage = Next(statements, ref _keyUsage, InteractionRows.AddKeyUsage, transaction);
            InteractionRows.BindKeyUsage(keyUsage, keyId, tokens, at);
            await keyUsage.RunAsync(cancellationToken).ConfigureAwait(false);
        }

        if (statements is not null)
        {
            await statements.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        _prompt?.Dispose();
        _insert?.Dispose();
        _keyUsage?.Dispose();
        rows?.Dispose();
    }

    // A new statement of the batch, or the kept command for the SQL, bound anew.
    private Statement Next(DbBatch? statements, ref DbCommand? command, string sql, DbTransaction? transaction)
    {
        if (statements is not null)
        {
            var added = statements.CreateBatchCommand();
            added.CommandText = sql;
            statements.BatchCommands.Add(added);
            return new Statement(null, added);
        }

        if (command is null)
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
        }

        command.Transaction = transaction;
        return new Statement(command, null);
    }

    /// <summary>One statement to bind: a command run at once, or a batch's command that runs with its batch.</summary>
    private readonly record struct Statement(DbCommand? Command, DbBatchCommand? BatchCommand)
    {
        public static implicit operator StatementParameters(Statement statement) =>
            statement.Command is { } command ? command : statement.BatchCommand!;

        public Task RunAsync(CancellationToken cancellationToken) =>
            Command?.ExecuteNonQueryAsync(cancellationToken) ?? Task.CompletedTask;
    }
}
