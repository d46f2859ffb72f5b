namespace Tailor.Cli.Tests;

public sealed class ThreadPoolTuningTests
{
    private const string SpinLimit = "System.Threading.ThreadPool.UnfairSemaphoreSpinLimit";

    [Fact]
    public void Serve_gets_the_runtimes_spinning_workers_back_and_other_commands_keep_the_clis_setting()
    {
        ThreadPoolTuning.ForCommand(["eval", "run", "--suite", "serve"]);
        ThreadPoolTuning.ForCommand([]);
        Assert.Null(AppContext.GetData(SpinLimit)); // this test host has no CLI runtimeconfig: nothing was set

        ThreadPoolTuning.ForCommand(["serve", "--url", "http://127.0.0.1:0"]);

        Assert.Equal("70", AppContext.GetData(SpinLimit));
    }
}
