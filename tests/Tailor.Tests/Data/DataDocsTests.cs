using Tailor.Data.Validation;

namespace Tailor.Tests.Data;

/// <summary>docs/data.md is the reference for the validation rules: each rule is there with its hint.</summary>
public sealed class DataDocsTests
{
    [Fact]
    public void Every_rule_is_documented_with_its_hint()
    {
        string? directory = AppContext.BaseDirectory;
        while (directory is not null && !File.Exists(Path.Combine(directory, "Tailor.slnx")))
        {
            directory = Path.GetDirectoryName(directory);
        }
        Assert.NotNull(directory);
        string docs = File.ReadAllText(Path.Combine(directory, "docs", "data.md"));

        var missing = DataRules.All.Where(r => !docs.Contains($"| `{r.Code}` |", StringComparison.Ordinal) || !docs.Contains(r.Hint.Replace("|", "\\|", StringComparison.Ordinal), StringComparison.Ordinal)).Select(r => r.Code).ToList();

        Assert.Empty(missing);
    }
}
