using System.Text.RegularExpressions;
using Tailor.Data;
using Tailor.Data.Pii;
using Tailor.Moderation;

namespace Tailor.Tests.Data;

/// <summary>The dataset side of PII detection: any classifier's spans become findings per message, and redaction replaces them.</summary>
public sealed partial class PiiScanTests
{
    /// <summary>
    /// A real (if small) e-mail detector written against the moderation contract; the moderation
    /// layer's own detectors plug in the same way.
    /// </summary>
    private sealed partial class EmailDetector : IModerationClassifier
    {
        public string Name => "test-email";

        public ValueTask<ModerationResult> ClassifyAsync(ModerationRequest request, CancellationToken cancellationToken = default)
        {
            var spans = Email().Matches(request.Text).Select(m => new TextSpan(m.Index, m.Length, ModerationCategories.Privacy, "email")).ToList();
            return ValueTask.FromResult(new ModerationResult
            {
                Classifier = Name,
                Spans = spans,
                Scores = spans.Count > 0 ? [new CategoryScore(ModerationCategories.Privacy, 1)] : [],
            });
        }

        [GeneratedRegex(@"[\w.+-]+@[\w-]+(\.[\w-]+)+")]
        private static partial Regex Email();
    }

    [Fact]
    public async Task Findings_name_the_message_and_span_and_redaction_replaces_them()
    {
        var scanner = new DatasetPiiScanner([new EmailDetector()]);
        var example = Conversation.Chat(
            ConversationMessage.User("Send it to jane.doe@example.com or j@x.io please"),
            ConversationMessage.Assistant("I will write to jane.doe@example.com."));

        var findings = await scanner.ScanAsync(example, 7, TestContext.Current.CancellationToken);
        var redacted = DatasetPiiScanner.Redact(example, findings);

        Assert.Equal(3, findings.Count);
        Assert.All(findings, f => Assert.Equal(7, f.Line));
        Assert.Equal(["messages[0].content", "messages[0].content", "messages[1].content"], findings.Select(f => f.Field));
        Assert.Equal("Send it to [EMAIL] or [EMAIL] please", redacted.Messages[0].Content);
        Assert.Equal("I will write to [EMAIL].", redacted.Messages[1].Content);
        Assert.Empty(await scanner.ScanAsync(redacted, 7, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task User_patterns_find_their_labels_and_bad_patterns_are_reported_by_entry()
    {
        var classifier = PatternClassifier.Create([new PiiPattern("employee_id", ModerationCategories.Privacy, @"EMP-\d{6}")]);
        var scanner = new DatasetPiiScanner([classifier]);
        var example = Conversation.Chat(ConversationMessage.User("I am EMP-123456, my manager is EMP-654321."), ConversationMessage.Assistant("Thanks."));

        var findings = await scanner.ScanAsync(example, 1, TestContext.Current.CancellationToken);

        Assert.Equal(["employee_id", "employee_id"], findings.Select(f => f.Label));
        Assert.Equal("I am [EMPLOYEE_ID], my manager is [EMPLOYEE_ID].", DatasetPiiScanner.Redact(example, findings).Messages[0].Content);

        var error = Assert.Throws<InvalidDataException>(() => PatternClassifier.Create(
            [new PiiPattern("ok", "privacy", "a+"), new PiiPattern("bad", "privacy", "(unclosed"), new PiiPattern("x", "gossip", "x")], "pii.json"));
        Assert.Contains("pii.json[1].pattern", error.Message, StringComparison.Ordinal);
        Assert.Contains("pii.json[2].category: unknown category 'gossip'", error.Message, StringComparison.Ordinal);
    }
}
