namespace Tailor.Local.Training.Data;

/// <summary>
/// One micro-batch on the host: B rows of T positions (N = B·T), examples packed back to back in each row with a
/// block-diagonal causal mask, positions restarting at 0 for every example, and padding that attends only to itself.
/// </summary>
/// <remarks>Immutable once built.</remarks>
internal sealed class PackedBatch
{
    public required int Rows { get; init; }

    public required int Length { get; init; }

    /// <summary>[N] input token of each position.</summary>
    public required int[] Tokens { get; init; }

    /// <summary>[N] RoPE position within its example.</summary>
    public required int[] Positions { get; init; }

    /// <summary>[N] the next token, valid where <see cref="LossMask"/> is 1.</summary>
    public required int[] Targets { get; init; }

    /// <summary>[N] 1 where the position's next token is learned, else 0.</summary>
    public required float[] LossMask { get; init; }

    /// <summary>[B][T query][T key]: 0 where the query may see the key, −inf elsewhere.</summary>
    public required float[] AttentionMask { get; init; }

    /// <summary>Positions that carry loss.</summary>
    public int TrainedTokens { get; init; }

    /// <summary>Packs <paramref name="rows"/> (each a list of examples that fit in T together) into B = rows.Count rows.</summary>
    public static PackedBatch Pack(IReadOnlyList<IReadOnlyList<TokenizedExample>> rows, int batchRows, int length, int paddingId)
    {
        var n = batchRows * length;
        var tokens = new int[n];
        var positions = new int[n];
        var targets = new int[n];
        var lossMask = new float[n];
        var attention = new float[(long)n * length];
        Array.Fill(attention, float.NegativeInfinity);
        var document = new int[length];
        var trained = 0;
        for (var r = 0; r < batchRows; r++)
        {
            var row = r < rows.Count ? rows[r] : [];
            var used = 0;
            var doc = 0;
            foreach (var example in row)
            {
                var count = example.Tokens.Length;
                if (used + count > length)
                {
                    throw new InvalidOperationException($"Row {r} holds {used + count} tokens; rows are {length} long.");
                }

                for (var i = 0; i < count; i++)
                {
                    var at = r * length + used + i;
                    tokens[at] = example.Tokens[i];
                    positions[at] = i;
                    document[used + i] = doc;
                    // position i predicts token i + 1: the mask follows the target token
                    if (i + 1 < count && example.Trained[i + 1])
                    {
                        targets[at] = example.Tokens[i + 1];
                        lossMask[at] = 1f;
                        trained++;
                    }
                }

                used += count;
                doc++;
            }

            // Padding: each position is its own document, so no query row of the mask is all -inf (that gives NaN).
            for (var i = used; i < length; i++)
            {
                tokens[r * length + i] = paddingId;
                document[i] = doc++;
            }

            for (var q = 0; q < length; q++)
            {
                var rowStart = ((long)r * length + q) * length;
                for (var k = q; k >= 0 && document[k] == document[q]; k--)
                {
                    attention[rowStart + k] = 0f;
                }
            }
        }

        return new PackedBatch
        {
            Rows = batchRows, Length = length, Tokens = tokens, Positions = positions, Targets = targets,
            LossMask = lossMask, AttentionMask = attention, TrainedTokens = trained,
        };
    }
}
