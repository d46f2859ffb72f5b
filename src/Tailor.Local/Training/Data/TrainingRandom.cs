namespace Tailor.Local.Training.Data;

/// <summary>
/// xoshiro256** seeded through SplitMix64: our own generator (not <see cref="Random"/>) so its streams are fixed
/// forever, which is what makes a resumed run see exactly the batches, masks and initial values of an uninterrupted one.
/// </summary>
/// <remarks>Not thread-safe; create one per stream. Streams are keyed by (seed, purpose, index) through <see cref="For"/>.</remarks>
internal sealed class TrainingRandom
{
    private ulong _s0, _s1, _s2, _s3;

    public TrainingRandom(ulong seed)
    {
        var x = seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    /// <summary>An independent stream for one purpose (data order of an epoch, dropout of a micro-batch, ...).</summary>
    public static TrainingRandom For(int seed, ulong purpose, long index)
    {
        var x = (ulong)(uint)seed;
        var a = SplitMix(ref x) ^ purpose;
        var b = SplitMix(ref a) ^ (ulong)index;
        return new TrainingRandom(SplitMix(ref b));
    }

    public ulong NextUInt64()
    {
        var result = RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, 1) with 24 random bits, the precision of a float.</summary>
    public float NextSingle() => (NextUInt64() >> 40) * (1f / (1 << 24));

    /// <summary>Fisher-Yates.</summary>
    public void Shuffle<T>(IList<T> list)
    {
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = (int)(NextUInt64() % (ulong)(i + 1));
            (list[i], list[j]) = (list[j], list[i]);
        }
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    private static ulong SplitMix(ref ulong x)
    {
        var z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
