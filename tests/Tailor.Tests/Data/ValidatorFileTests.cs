using System.Text;
using Tailor.Data.Formats;
using Tailor.Data.Validation;

namespace Tailor.Tests.Data;

/// <summary>The validator over whole files: streaming, splitting with --fix, file-level rules, odd line endings.</summary>
public sealed class ValidatorFileTests
{
    private const string Good = """{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}""";

    [Fact]
    public async Task Fixing_puts_every_line_verbatim_in_exactly_one_of_the_two_files()
    {
        byte[] input = Encoding.UTF8.GetBytes(string.Join("\n",
            Good, "{bad json", "", Good + "\r", """{"messages":[{"role":"user","content":"Hi"}]}""", "[1,2]", Good.Replace("Hi", "Hé", StringComparison.Ordinal)) + "\n");
        using var valid = new MemoryStream();
        using var rejected = new MemoryStream();
        using var reasons = new MemoryStream();

        var report = new ValidationReport("in.jsonl");
        await using (var writer = new RejectedLinesWriter(valid, rejected, reasons, new MemoryStream(input)))
        {
            await foreach (var verdict in new DatasetValidator().ValidateAsync(new MemoryStream(input), "in.jsonl", TestContext.Current.CancellationToken))
            {
                report.Add(verdict);
                await writer.WriteAsync(verdict, TestContext.Current.CancellationToken);
            }
        }

        string[] validLines = Lines(valid);
        string[] rejectedLines = Lines(rejected);
        Assert.Equal([Good, Good + "\r", Good.Replace("Hi", "Hé", StringComparison.Ordinal)], validLines);
        Assert.Equal(["{bad json", "", """{"messages":[{"role":"user","content":"Hi"}]}""", "[1,2]"], rejectedLines);
        string[] reasonLines = Lines(reasons);
        Assert.Equal(4, reasonLines.Length);
        Assert.Contains("\"line\":2", reasonLines[0], StringComparison.Ordinal);
        Assert.Contains("json-syntax", reasonLines[0], StringComparison.Ordinal);
        Assert.Contains("blank-line", reasonLines[1], StringComparison.Ordinal);
        Assert.Contains("last-role", reasonLines[2], StringComparison.Ordinal);
        Assert.Contains("not-an-object", reasonLines[3], StringComparison.Ordinal);
        Assert.Equal(7, report.Lines);
        Assert.Equal(3, report.Valid);
        Assert.Equal(4, report.Rejected);
        Assert.Equal(2, report.ErrorsByBucket[IssueBucket.Json]); // syntax + not-an-object
    }

    [Fact]
    public async Task A_line_over_the_limit_is_rejected_unread_and_still_copied_whole()
    {
        string huge = """{"messages":[{"role":"user","content":" """ + new string('x', 5000) + """ "},{"role":"assistant","content":"ok"}]}""";
        byte[] input = Encoding.UTF8.GetBytes(Good + "\n" + huge + "\n" + Good);
        using var valid = new MemoryStream();
        using var rejected = new MemoryStream();
        var validator = new DatasetValidator(new ValidationOptions { MaxLineBytes = 1024 });

        var verdicts = new List<string>();
        await using (var writer = new RejectedLinesWriter(valid, rejected, new MemoryStream(), new MemoryStream(input)))
        {
            await foreach (var verdict in validator.ValidateAsync(new MemoryStream(input), cancellationToken: TestContext.Current.CancellationToken))
            {
                verdicts.Add(verdict.IsValid ? "ok" : verdict.Issues[0].Code);
                await writer.WriteAsync(verdict, TestContext.Current.CancellationToken);
            }
        }

        Assert.Equal(["ok", DataRules.LineTooLong, "ok"], verdicts);
        Assert.Equal([huge], Lines(rejected));
        Assert.Equal([Good, Good], Lines(valid));
    }

    [Fact]
    public void A_file_with_too_few_examples_gets_a_file_level_warning()
    {
        var options = new ValidationOptions();
        var report = new ValidationReport("small.jsonl");
        foreach (var verdict in new DatasetValidator(options).Validate(new MemoryStream(Encoding.UTF8.GetBytes(Good + "\n" + Good))))
        {
            report.Add(verdict);
        }
        report.Complete(options);

        var tally = Assert.Single(report.Rules);
        Assert.Equal(DataRules.TooFewExamples, tally.Rule.Code);
        Assert.False(report.HasErrors);

        var big = new ValidationReport("big.jsonl");
        foreach (var verdict in new DatasetValidator(options).Validate(new MemoryStream(Encoding.UTF8.GetBytes(string.Join("\n", Enumerable.Repeat(Good, 10))))))
        {
            big.Add(verdict);
        }
        big.Complete(options);
        Assert.Empty(big.Rules);
    }

    [Fact]
    public void An_empty_file_or_one_with_no_valid_line_is_an_error()
    {
        foreach (byte[] input in new[] { Array.Empty<byte>(), Encoding.UTF8.GetBytes("oops\n") })
        {
            var report = new ValidationReport("x.jsonl");
            foreach (var verdict in new DatasetValidator().Validate(new MemoryStream(input)))
            {
                report.Add(verdict);
            }
            report.Complete(new ValidationOptions());

            Assert.True(report.HasErrors);
            Assert.Contains(report.Rules, r => r.Rule.Code == DataRules.NoExamples);
        }
    }

    [Fact]
    public void A_gzip_or_utf16_file_is_named_as_such_with_the_command_that_fixes_it()
    {
        byte[] gzip;
        using (var buffer = new MemoryStream())
        {
            using (var zip = new System.IO.Compression.GZipStream(buffer, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
            {
                zip.Write(Encoding.UTF8.GetBytes(Good + "\n"));
            }
            gzip = buffer.ToArray();
        }
        byte[] utf16 = [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(Good)];

        var zipped = new DatasetValidator().Validate(new MemoryStream(gzip)).First();
        var wide = new DatasetValidator().Validate(new MemoryStream(utf16)).First();

        Assert.Contains("gzip", zipped.Issues[0].Message, StringComparison.Ordinal);
        Assert.Contains("gunzip", zipped.Issues[0].Hint, StringComparison.Ordinal);
        Assert.Contains("UTF-16", wide.Issues[0].Message, StringComparison.Ordinal);
        Assert.Contains("iconv", wide.Issues[0].Hint, StringComparison.Ordinal);
    }

    [Fact]
    public void A_byte_order_mark_and_crlf_endings_are_accepted()
    {
        byte[] input = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Good + "\r\n" + Good + "\r\n")];

        var verdicts = new DatasetValidator().Validate(new MemoryStream(input)).Select(v => v.IsValid).ToList();

        Assert.Equal([true, true], verdicts);
    }

    [Fact]
    public void The_line_reader_reports_numbers_and_offsets_and_a_last_line_without_newline()
    {
        byte[] input = Encoding.UTF8.GetBytes("ab\n\ncde\r\nf");
        var reader = new JsonlLineReader(new MemoryStream(input), bufferBytes: 16);
        var lines = new List<(long, long, string)>();
        while (reader.TryRead(out var line))
        {
            lines.Add((line.Number, line.Offset, Encoding.UTF8.GetString(line.Content)));
        }

        Assert.Equal([(1, 0, "ab"), (2, 3, ""), (3, 4, "cde"), (4, 9, "f")], lines);
    }

    private static string[] Lines(MemoryStream stream)
    {
        string text = Encoding.UTF8.GetString(stream.ToArray());
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        return text[..^1].Split('\n');
    }
}
