using System.Security.Cryptography;

namespace Tailor.Local.Training.Data;

/// <summary>
/// The tokenized training and validation splits of a run, with a hash of each (token ids and loss masks, so a change of
/// text, tokenizer, template or split shows).
/// </summary>
/// <remarks>Immutable after construction.</remarks>
internal sealed class TrainingDataset
{
    private const ulong SplitPurpose = 0x5350_4C49_54;

    private TrainingDataset(List<TokenizedExample> train, List<TokenizedExample> validation)
    {
        Train = train;
        Validation = validation;
        TrainHash = Hash(train);
        ValidationHash = Hash(validation);
    }

    public IReadOnlyList<TokenizedExample> Train { get; }

    public IReadOnlyList<TokenizedExample> Validation { get; }

    public string TrainHash { get; }

    public string ValidationHash { get; }

    /// <summary>Encodes the job's data; without a validation set, holds out <paramref name="validationFraction"/> chosen by the seed.</summary>
    public static TrainingDataset Create(ExampleEncoder encoder, IReadOnlyList<TrainingExample> examples, IReadOnlyList<TrainingExample>? validation, double validationFraction, int seed)
    {
        if (examples.Count == 0)
        {
            throw new TrainingException("there are no training examples", isInputError: true);
        }

        if (validation is not null)
        {
            return new TrainingDataset(encoder.Encode(examples, "training"), encoder.Encode(validation, "validation"));
        }

        var encoded = encoder.Encode(examples, "training");
        var held = validationFraction > 0 && examples.Count >= 2 ? Math.Max(1, (int)Math.Round(examples.Count * validationFraction)) : 0;
        if (held == 0)
        {
            return new TrainingDataset(encoded, []);
        }

        // Hold out whole examples (every window of one example stays on one side), picked by the seed.
        var order = Enumerable.Range(0, examples.Count).ToList();
        TrainingRandom.For(seed, SplitPurpose, 0).Shuffle(order);
        var heldOut = order.Take(held).ToHashSet();
        var train = new List<TokenizedExample>();
        var val = new List<TokenizedExample>();
        foreach (var e in encoded)
        {
            (heldOut.Contains(e.ExampleIndex) ? val : train).Add(e);
        }

        if (train.Count == 0)
        {
            throw new TrainingException("the validation split took every example; lower the validation fraction", isInputError: true);
        }

        return new TrainingDataset(train, val);
    }

    private static string Hash(IEnumerable<TokenizedExample> examples)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> buffer = stackalloc byte[5];
        foreach (var e in examples)
        {
            BitConverter.TryWriteBytes(buffer, e.Tokens.Length);
            sha.AppendData(buffer[..4]);
            for (var i = 0; i < e.Tokens.Length; i++)
            {
                BitConverter.TryWriteBytes(buffer, e.Tokens[i]);
                buffer[4] = e.Trained[i] ? (byte)1 : (byte)0;
                sha.AppendData(buffer);
            }
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
