using Tailor.Moderation;

namespace Tailor.Tests.Moderation;

public sealed class RedactorTests
{
    [Fact]
    public void Overlapping_spans_merge_and_spans_past_the_end_are_clipped()
    {
        const string text = "0123456789";
        var spans = new[] { new TextSpan(2, 3, "privacy", "a"), new TextSpan(4, 3, "privacy", "b"), new TextSpan(8, 10, "secrets", "c") };
        Assert.Equal("01[REDACTED:a]7[REDACTED:c]", Redactor.Apply(text, spans));
    }

    [Fact]
    public void No_spans_leave_the_text_as_it_is() => Assert.Equal("same", Redactor.Apply("same", []));
}
