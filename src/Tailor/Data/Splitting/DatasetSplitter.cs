using Tailor.Data.Formats;

namespace Tailor.Data.Splitting;

/// <summary>Where each line went.</summary>
public sealed record SplitResult(long Train, long Validation, long Test, long Unreadable, IReadOnlyDictionary<string, (long Train, long Validation, long Test)> ByStratum);

/// <summary>
/// Splits a JSONL file into train / validation / test, seeded and stratified by tag, in two passes:
/// the first reads tags and assigns each line (within each stratum: shuffle, then cut by the
/// shares, rounding so each split's total stays within one example of its share), the second copies
/// lines verbatim. Unreadable lines go to train untouched and are counted, never dropped.
/// </summary>
public static class DatasetSplitter
{
    public const int TrainSplit = 0, ValidationSplit = 1, TestSplit = 2;

    /// <summary>Assigns every line of <paramref name="input"/> to a split (0 train, 1 validation, 2 test).</summary>
    public static (byte[] Assignment, SplitResult Result) Assign(Stream input, SplitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        options ??= new SplitOptions();
        double sum = options.Train + options.Validation + options.Test;
        if (options.Train < 0 || options.Validation < 0 || options.Test < 0 || sum <= 0)
        {
            throw new ArgumentException("split shares are non-negative and not all zero");
        }
        var strata = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var reader = new JsonlLineReader(input);
        var unreadable = new List<int>();
        int lines = 0;
        while (reader.TryRead(out var line))
        {
            int index = lines++;
            var conversation = line.IsBlank || line.IsTooLong ? null : ConversationLineParser.Parse(line.Content).Conversation;
            if (conversation is null)
            {
                unreadable.Add(index);
                continue;
            }
            string stratum = options.StratifyByTag && conversation.Tags.Count > 0 ? conversation.Tags[0] : "(untagged)";
            if (!strata.TryGetValue(stratum, out var members))
            {
                strata[stratum] = members = [];
            }
            members.Add(index);
        }

        var assignment = new byte[lines];
        var random = new Random(options.Seed);
        var byStratum = new Dictionary<string, (long, long, long)>(StringComparer.Ordinal);
        double carryValidation = 0, carryTest = 0;
        foreach (var (name, members) in strata.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            var shuffled = members.ToArray();
            random.Shuffle(shuffled);
            // Carry the rounding remainders across strata so the totals match the shares.
            double wantValidation = shuffled.Length * options.Validation / sum + carryValidation;
            double wantTest = shuffled.Length * options.Test / sum + carryTest;
            int validation = (int)Math.Round(wantValidation, MidpointRounding.AwayFromZero);
            int test = (int)Math.Round(wantTest, MidpointRounding.AwayFromZero);
            validation = Math.Min(validation, shuffled.Length);
            test = Math.Min(test, shuffled.Length - validation);
            carryValidation = wantValidation - validation;
            carryTest = wantTest - test;
            for (int i = 0; i < shuffled.Length; i++)
            {
                assignment[shuffled[i]] = (byte)(i < validation ? ValidationSplit : i < validation + test ? TestSplit : TrainSplit);
            }
            byStratum[name] = (shuffled.Length - validation - test, validation, test);
        }
        long Count(int split) => assignment.LongCount(a => a == split);
        var result = new SplitResult(Count(TrainSplit), Count(ValidationSplit), Count(TestSplit), unreadable.Count, byStratum);
        return (assignment, result);
    }

    /// <summary>Copies every line verbatim to the split it was assigned.</summary>
    public static Task<long[]> WriteAsync(Stream input, byte[] assignment, Stream train, Stream validation, Stream test, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        return LineSplitter.SplitAsync(input, i => i < assignment.Length ? assignment[i] : TrainSplit, [train, validation, test], cancellationToken);
    }
}
