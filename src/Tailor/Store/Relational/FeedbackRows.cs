using System.Data.Common;

namespace Tailor.Store.Relational;

/// <summary>The <c>feedback</c> table as SQL both stores share.</summary>
internal static class FeedbackRows
{
    public const string InteractionExists = "SELECT COUNT(*) FROM interactions WHERE id = @interaction_id";

    public const string Insert = """
        INSERT INTO feedback (id, interaction_id, created_at_ms, thumbs, score, comment, correction, rater, key_id)
        VALUES (@id, @interaction_id, @created, @thumbs, @score, @comment, @correction, @rater, @key_id)
        """;

    public const string Select = "SELECT id, interaction_id, created_at_ms, thumbs, score, comment, correction, rater, key_id FROM feedback";

    public static void Bind(DbCommand command, Feedback feedback)
    {
        InteractionRows.Add(command, "@id", feedback.Id);
        InteractionRows.Add(command, "@interaction_id", feedback.InteractionId);
        InteractionRows.Add(command, "@created", feedback.CreatedAt.ToUnixTimeMilliseconds());
        InteractionRows.Add(command, "@thumbs", feedback.Thumbs);
        InteractionRows.Add(command, "@score", feedback.Score);
        InteractionRows.Add(command, "@comment", feedback.Comment);
        InteractionRows.Add(command, "@correction", feedback.Correction);
        InteractionRows.Add(command, "@rater", feedback.Rater);
        InteractionRows.Add(command, "@key_id", feedback.KeyId);
    }

    public static Feedback Read(DbDataReader reader) => new()
    {
        Id = reader.GetString(0),
        InteractionId = reader.GetString(1),
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)),
        Thumbs = reader.IsDBNull(3) ? null : reader.GetInt32(3),
        Score = reader.IsDBNull(4) ? null : reader.GetInt32(4),
        Comment = InteractionRows.Text(reader, 5),
        Correction = InteractionRows.Text(reader, 6),
        Rater = InteractionRows.Text(reader, 7),
        KeyId = InteractionRows.Text(reader, 8),
    };

    public static (string Where, List<(string Name, object Value)> Parameters) Filter(FeedbackQuery query)
    {
        var clauses = new List<string>();
        var parameters = new List<(string, object)>();
        void Where(string clause, string name, object? value)
        {
            if (value is not null)
            {
                clauses.Add(clause);
                parameters.Add((name, value));
            }
        }

        Where("interaction_id = @interaction_id", "@interaction_id", query.InteractionId);
        Where("thumbs = @thumbs", "@thumbs", query.Thumbs);
        Where("score >= @min_score", "@min_score", query.MinScore);
        Where("score <= @max_score", "@max_score", query.MaxScore);
        Where("created_at_ms >= @since", "@since", query.Since?.ToUnixTimeMilliseconds());
        Where("created_at_ms < @until", "@until", query.Until?.ToUnixTimeMilliseconds());
        if (query.HasCorrection is { } has)
        {
            clauses.Add(has ? "correction IS NOT NULL" : "correction IS NULL");
        }

        return (clauses.Count == 0 ? "" : "WHERE " + string.Join(" AND ", clauses), parameters);
    }
}
