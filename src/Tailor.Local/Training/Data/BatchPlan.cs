namespace Tailor.Local.Training.Data;

/// <summary>
/// The order in which a run sees its data: micro-batch k is a pure function of (examples, seed, k). Each epoch shuffles
/// the examples with its own stream, packs them greedily into rows of T tokens and groups B rows per micro-batch; the
/// last micro-batch of an epoch is padded with empty rows, so no example is dropped. Resume therefore needs only the step.
/// </summary>
/// <remarks>Not thread-safe (it caches the layouts of recent epochs).</remarks>
internal sealed class BatchPlan
{
    private const ulong EpochPurpose = 0x4550_4F43_48;
    private const int CachedEpochs = 3;

    private readonly IReadOnlyList<TokenizedExample> _examples;
    private readonly int _seed;
    private readonly int _rows;
    private readonly int _length;
    private readonly int _paddingId;
    private readonly List<long> _epochStarts = [0];
    private readonly Dictionary<int, List<List<TokenizedExample>>> _layouts = [];

    public BatchPlan(IReadOnlyList<TokenizedExample> examples, int seed, int rows, int length, int paddingId)
    {
        _examples = examples;
        _seed = seed;
        _rows = rows;
        _length = length;
        _paddingId = paddingId;
    }

    /// <summary>Micro-batches in the first epoch (later epochs may differ by one or two: packing depends on the order).</summary>
    public int FirstEpochMicroBatches => MicroBatchCount(Layout(0));

    /// <summary>Micro-batch <paramref name="k"/> (0-based, counted over the whole run).</summary>
    public PackedBatch Get(long k)
    {
        var (epoch, index) = Locate(k);
        var layout = Layout(epoch);
        var rows = layout.Skip(index * _rows).Take(_rows).Select(r => (IReadOnlyList<TokenizedExample>)r).ToList();
        return PackedBatch.Pack(rows, _rows, _length, _paddingId);
    }

    /// <summary>The most loss positions any of micro-batches [0, <paramref name="count"/>) holds (sizes the gathered LM head).</summary>
    public int MaxTrainedTokens(long count)
    {
        var max = 0;
        for (long k = 0; k < count;)
        {
            var (epoch, index) = Locate(k);
            var layout = Layout(epoch);
            var batches = MicroBatchCount(layout);
            for (var i = index; i < batches && k < count; i++, k++)
            {
                var sum = 0;
                foreach (var row in layout.Skip(i * _rows).Take(_rows))
                {
                    sum += row.Sum(e => e.LossPositions);
                }

                max = Math.Max(max, sum);
            }
        }

        return max;
    }

    /// <summary>The validation split in its given order, packed the same way (no shuffle).</summary>
    public static List<PackedBatch> PackInOrder(IReadOnlyList<TokenizedExample> examples, int rows, int length, int paddingId)
    {
        var layout = PackRows(examples, length);
        var result = new List<PackedBatch>();
        for (var i = 0; i < layout.Count; i += rows)
        {
            result.Add(PackedBatch.Pack(layout.Skip(i).Take(rows).Select(r => (IReadOnlyList<TokenizedExample>)r).ToList(), rows, length, paddingId));
        }

        return result;
    }

    private (int Epoch, int Index) Locate(long k)
    {
        var epoch = 0;
        while (true)
        {
            if (epoch + 1 >= _epochStarts.Count)
            {
                _epochStarts.Add(_epochStarts[epoch] + MicroBatchCount(Layout(epoch)));
            }

            if (k < _epochStarts[epoch + 1])
            {
                return (epoch, (int)(k - _epochStarts[epoch]));
            }

            epoch++;
        }
    }

    private int MicroBatchCount(List<List<TokenizedExample>> layout) => (layout.Count + _rows - 1) / _rows;

    private List<List<TokenizedExample>> Layout(int epoch)
    {
        if (_layouts.TryGetValue(epoch, out var cached))
        {
            return cached;
        }

        if (_layouts.Count >= CachedEpochs)
        {
            _layouts.Remove(_layouts.Keys.Min());
        }

        var order = Enumerable.Range(0, _examples.Count).ToList();
        TrainingRandom.For(_seed, EpochPurpose, epoch).Shuffle(order);
        var layout = PackRows(order.Select(i => _examples[i]), _length);
        _layouts[epoch] = layout;
        return layout;
    }

    /// <summary>Greedy packing: each example goes at the end of the current row if it fits, else starts a new row.</summary>
    private static List<List<TokenizedExample>> PackRows(IEnumerable<TokenizedExample> examples, int length)
    {
        var rows = new List<List<TokenizedExample>>();
        var current = new List<TokenizedExample>();
        var used = 0;
        foreach (var example in examples)
        {
            if (used + example.Tokens.Length > length && current.Count > 0)
            {
                rows.Add(current);
                current = [];
                used = 0;
            }

            current.Add(example);
            used += example.Tokens.Length;
        }

        if (current.Count > 0)
        {
            rows.Add(current);
        }

        return rows;
    }
}
