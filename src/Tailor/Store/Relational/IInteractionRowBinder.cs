using Microsoft.Extensions.AI;

namespace Tailor.Store.Relational;

/// <summary>
/// Takes the values of one interaction row by parameter name, as <see cref="InteractionRows.BindInsert{TBinder}"/>
/// hands them over: the one list of what a row holds, whatever API binds it.
/// </summary>
internal interface IInteractionRowBinder
{
    void Text(string name, string? value);

    void Integer(string name, long? value);

    void Real(string name, double? value);

    void Flag(string name, bool value);

    /// <summary>A message list, stored as its compact JSON (<see cref="InteractionJson"/>).</summary>
    void Messages(string name, IReadOnlyList<ChatMessage> messages);
}
