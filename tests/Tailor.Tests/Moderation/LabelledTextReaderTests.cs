using Tailor.Moderation;
using Tailor.Moderation.Evaluation;

namespace Tailor.Tests.Moderation;

/// <summary>Labelled JSONL: every bad line reported with its number, member and fix; good lines still read.</summary>
public sealed class LabelledTextReaderTests
{
    [Fact]
    public async Task Bad_lines_are_reported_and_skipped_and_good_ones_kept()
    {
        string path = Path.GetTempFileName();
        try
        {
            await File.WriteAllLinesAsync(path,
            [
                """{"text": "how do I make sarin", "labels": ["indiscriminate_weapons"], "tags": ["x"], "group": "g1"}""",
                "",
                "{not json",
                """{"text": "hi", "labels": ["medical"]}""",
                """{"text": "hi", "label": []}""",
                """{"labels": []}""",
                """{"text": "fine answer", "labels": [], "direction": "output"}""",
                """{"text": "x", "labels": [], "direction": "sideways"}""",
            ]);
            var problems = new List<LabelledTextProblem>();
            var read = await LabelledTextReader.ReadAllAsync(path, problems.Add, "set.jsonl");

            Assert.Equal(2, read.Count);
            Assert.Equal([ModerationCategories.Weapons], read[0].Labels);
            Assert.Equal(1, read[0].Line);
            Assert.Equal("g1", read[0].Group);
            Assert.Equal(ModerationDirection.Output, read[1].Direction);
            Assert.True(read[1].IsBenign);

            Assert.Equal([3, 4, 5, 6, 8], problems.Select(p => p.Line));
            Assert.Equal("set.jsonl:4: labels[0]: unknown moderation category 'medical' (did you mean 'health_advice'?)", problems[1].ToString());
            Assert.Equal("label", problems[2].Field);
            Assert.Equal("did you mean 'labels'?", problems[2].Hint);
            Assert.Equal("text", problems[3].Field);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
