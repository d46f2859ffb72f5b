using Tailor.Spec;

namespace Tailor.Tests.Spec;

public class SpecLocatorTests : IDisposable
{
    private readonly TempProject _project = new();

    public void Dispose() => _project.Dispose();

    [Fact]
    public void Find_walks_up_to_the_nearest_spec()
    {
        string outer = _project.Write("tailor.yaml", "name: outer\n");
        string inner = _project.Write("apps/bot/tailor.yaml", "name: inner\n");
        string deep = Path.Combine(_project.Directory, "apps", "bot", "src", "deep");
        Directory.CreateDirectory(deep);
        string sibling = Path.Combine(_project.Directory, "apps", "other");
        Directory.CreateDirectory(sibling);

        Assert.Equal(inner, SpecLocator.Find(deep));
        Assert.Equal(inner, SpecLocator.Find(Path.Combine(_project.Directory, "apps", "bot")));
        Assert.Equal(outer, SpecLocator.Find(sibling));
    }

    [Fact]
    public void Find_returns_null_when_no_directory_up_to_the_root_has_one()
    {
        // Under the system temp directory, where no tailor.yaml lives.
        string deep = Path.Combine(_project.Directory, "a", "b");
        Directory.CreateDirectory(deep);

        Assert.Null(SpecLocator.Find(deep));
    }
}
