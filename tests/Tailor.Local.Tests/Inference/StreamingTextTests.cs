using System.Text;
using Tailor.Local.Inference;

namespace Tailor.Local.Tests.Inference;

public class StreamingTextTests
{
    [Fact]
    public void Characters_split_across_tokens_come_out_whole()
    {
        var decoder = new Utf8TokenDecoder();
        var bytes = Encoding.UTF8.GetBytes("a🙂é日");
        var output = new StringBuilder();
        var emitted = new List<string>();
        foreach (var b in bytes)
        {
            var text = decoder.Add([b]);
            emitted.Add(text);
            output.Append(text);
        }

        output.Append(decoder.Flush());
        Assert.Equal("a🙂é日", output.ToString());
        Assert.DoesNotContain(emitted, t => t.Contains('\uFFFD', StringComparison.Ordinal));
        Assert.Equal(["a", "", "", "", "🙂", "", "é", "", "", "日"], emitted);
    }

    [Fact]
    public void An_unfinished_character_at_the_end_becomes_a_replacement_character()
    {
        var decoder = new Utf8TokenDecoder();

        Assert.Equal("", decoder.Add([0xF0, 0x9F]));
        Assert.Equal("\uFFFD", decoder.Flush());
    }

    [Theory]
    [InlineData(new[] { "Hello wor", "ld. STOP here" }, "STOP", "Hello world. ")]
    [InlineData(new[] { "ab", "cS", "TO", "P" }, "STOP", "abc")]
    [InlineData(new[] { "S", "T", "x" }, "STOP", "STx")]
    [InlineData(new[] { "no stop at all" }, "STOP", "no stop at all")]
    [InlineData(new[] { "end<", "/s" }, "</s>", "end</s")]
    public void Stop_sequences_are_held_back_until_decided(string[] pieces, string stop, string expected)
    {
        var filter = new StopSequenceFilter([stop]);
        var output = new StringBuilder();
        foreach (var piece in pieces)
        {
            output.Append(filter.Push(piece));
            if (filter.Stopped)
            {
                break;
            }

            Assert.DoesNotContain(stop, output.ToString(), StringComparison.Ordinal);
        }

        if (!filter.Stopped)
        {
            output.Append(filter.Flush());
        }

        Assert.Equal(expected, output.ToString());
    }

    [Fact]
    public void The_earliest_of_several_stop_sequences_wins()
    {
        var filter = new StopSequenceFilter(["world", "lo w"]);

        Assert.Equal("Hel", filter.Push("Hello world"));
        Assert.True(filter.Stopped);
    }
}
