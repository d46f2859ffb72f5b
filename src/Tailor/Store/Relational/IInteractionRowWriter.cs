namespace Tailor.Store.Relational;

/// <summary>
/// Writes one interaction row in the transaction its connection has open, for a store that can do it more cheaply than
/// a <see cref="System.Data.Common.DbCommand"/> (<see cref="InteractionWriteCommands"/> uses one when given).
/// </summary>
/// <remarks>Not thread-safe: used by one writer at a time, like its connection.</remarks>
internal interface IInteractionRowWriter : IDisposable
{
    void Insert(Interaction interaction);
}
