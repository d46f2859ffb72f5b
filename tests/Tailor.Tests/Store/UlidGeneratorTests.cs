using Microsoft.Extensions.Time.Testing;
using Tailor.Store;

namespace Tailor.Tests.Store;

public class UlidGeneratorTests
{
    [Fact]
    public void Ids_made_in_the_same_millisecond_still_sort_in_creation_order()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero));
        var ids = new UlidGenerator(time);

        var made = Enumerable.Range(0, 1000).Select(_ => ids.Next()).ToList();

        Assert.Equal(made, made.Order(StringComparer.Ordinal));
        Assert.Equal(1000, made.Distinct().Count());
    }

    [Fact]
    public void The_timestamp_reads_back_from_the_id()
    {
        var at = new DateTimeOffset(2026, 11, 27, 9, 30, 15, 123, TimeSpan.Zero);
        var id = new UlidGenerator(new FakeTimeProvider(at)).Next();

        Assert.Equal(26, id.Length);
        Assert.Equal(at, UlidGenerator.GetTimestamp(id));
    }

    [Fact]
    public void Later_ids_sort_after_earlier_ones()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var ids = new UlidGenerator(time);
        string first = ids.Next();
        time.Advance(TimeSpan.FromMilliseconds(1));
        string second = ids.Next();

        Assert.True(string.CompareOrdinal(first, second) < 0);
    }
}
