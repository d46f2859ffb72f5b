using System.Data.Common;

namespace Tailor.Store.Relational;

/// <summary>
/// The parameters of one statement and how to make a new one: a command's, or a batch command's (ADO.NET gives the two
/// no common type), so the row binders of <see cref="InteractionRows"/> serve a statement run alone or in a batch.
/// </summary>
internal readonly struct StatementParameters(DbParameterCollection list, Func<DbParameter> create)
{
    public DbParameterCollection List { get; } = list;

    public DbParameter Create() => create();

    public static implicit operator StatementParameters(DbCommand command) => new(command.Parameters, command.CreateParameter);

    public static implicit operator StatementParameters(DbBatchCommand command) => new(command.Parameters, command.CreateParameter);
}
