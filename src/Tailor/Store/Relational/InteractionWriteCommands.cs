using System.Data.Common;

namespace Tailor.Store.Relational;

/// <summary>
/// The statements that write one interaction (its prompt version, its row, its key's usage) on one connection, each
/// created once and re-bound for every row. Microsoft.Data.Sqlite prepares a command's SQL on its first execution and
/// keeps the prepared statement while the command lives, so a batch, or the SQLite store's single writer connection,
/// parses and plans the SQL once instead of once per row (a new command per row prepared it every time).
/// </summary>
/// <remarks>Not thread-safe: used by one writer at a time, like its connection.</remarks>
internal sealed class InteractionWriteCommands(DbConnection connection) : IDisposable
{
    private DbCommand? _prompt;
    private DbCommand? _insert;
    private DbCommand? _keyUsage;

    /// <summary>Writes <paramref name="interaction"/> in <paramref name="transaction"/>.</summary>
    public async Task WriteAsync(Interaction interaction, DbTransaction transaction, CancellationToken cancellationToken)
    {
        if (interaction.PromptVersion is not null && interaction.PromptText is not null)
        {
            var prompt = Prepare(ref _prompt, InteractionRows.InsertPrompt, transaction);
            InteractionRows.BindPrompt(prompt, interaction);
            await prompt.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var insert = Prepare(ref _insert, InteractionRows.Insert, transaction);
        InteractionRows.BindInsert(insert, interaction);
        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        if (interaction.KeyId is not null)
        {
            var keyUsage = Prepare(ref _keyUsage, InteractionRows.AddKeyUsage, transaction);
            InteractionRows.BindKeyUsage(keyUsage, interaction);
            await keyUsage.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        _prompt?.Dispose();
        _insert?.Dispose();
        _keyUsage?.Dispose();
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
