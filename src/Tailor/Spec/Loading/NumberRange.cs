namespace Tailor.Spec.Loading;

/// <summary>The values a numeric field accepts, with the words used to say so.</summary>
internal sealed record NumberRange(double Min, bool MinInclusive, double Max, bool MaxInclusive, string Words)
{
    public static readonly NumberRange Any = new(double.MinValue, true, double.MaxValue, true, "any number");
    public static readonly NumberRange Temperature = new(0, true, 2, true, "between 0 and 2");
    public static readonly NumberRange TopP = new(0, false, 1, true, "greater than 0 and at most 1");
    public static readonly NumberRange Probability = new(0, true, 1, true, "between 0 and 1");
    public static readonly NumberRange OpenUnit = new(0, false, 1, false, "between 0 and 1, exclusive (e.g. 0.95)");
    public static readonly NumberRange NonNegative = new(0, true, double.MaxValue, true, "0 or more");
    public static readonly NumberRange Positive = new(0, false, double.MaxValue, true, "greater than 0");

    public bool Contains(double value) =>
        (MinInclusive ? value >= Min : value > Min) && (MaxInclusive ? value <= Max : value < Max);
}
