using Spectre.Console.Testing;
using Tailor.Cli.Commands;
using Tailor.Tuning;

namespace Tailor.Cli.Tests;

/// <summary>The terminal loss chart, and the live view <c>--watch</c> shows on an interactive terminal.</summary>
public sealed class TuneViewTests
{
    [Fact]
    public void The_loss_chart_draws_training_loss_in_braille_with_validation_marks_and_both_ranges()
    {
        var metrics = Enumerable.Range(1, 100).Select(s => new TuningMetric(s, 3.0 - s * 0.02))
            .Append(new TuningMetric(50, null, ValidLoss: 2.2)).Append(new TuningMetric(100, null, ValidLoss: 1.5)).ToList();

        var lines = LossChart.Render(metrics, width: 40, height: 6);

        Assert.Equal(6 + 3, lines.Count);
        Assert.Equal("      loss: training ⠒⠒, validation ×", lines[0]);
        Assert.StartsWith("2.980 │⠉", lines[1], StringComparison.Ordinal); // the highest loss, top left
        Assert.StartsWith("1.000 │", lines[6], StringComparison.Ordinal);
        Assert.EndsWith("⣀", lines[6], StringComparison.Ordinal); // the lowest, bottom right
        Assert.Equal(2, string.Concat(lines.Skip(1)).Count(c => c == '×'));
        Assert.All(lines.Skip(1).Take(6), l => Assert.True(l.Length <= 7 + 40));
        Assert.Equal("       step 1" + "100".PadLeft(40 - "step 1".Length), lines[^1]);
        Assert.Empty(LossChart.Render([]));
        Assert.Empty(LossChart.Render([new TuningMetric(1, double.NaN)]));
        Assert.Equal(6 + 3, LossChart.Render([new TuningMetric(1, 2.0)], 40, 6).Count); // one point: a flat range around it
    }

    [Fact]
    public async Task Watching_on_a_terminal_shows_a_live_view_with_the_loss_chart()
    {
        using var cli = new CliRunner();
        await TuneProject.CreateAsync(cli);
        var output = new TestConsole().Width(120);
        var error = new TestConsole().Width(120).Interactive();
        var env = new CliEnvironment { Out = output, Error = error, WorkingDirectory = cli.Directory, GetEnvironmentVariable = _ => null };

        int exit = await TailorCli.RunAsync(["tune", "start", "--backend", "local", "--base", "base", .. TuneProject.Small, "--watch", "--interval", "50ms"],
            env, TestContext.Current.CancellationToken);

        Assert.True(exit == 0, output.Output + error.Output);
        Assert.Contains("training loss", error.Output, StringComparison.Ordinal);
        Assert.Contains("succeeded", error.Output, StringComparison.Ordinal);
        Assert.Contains("succeeded (completed)", output.Output, StringComparison.Ordinal);
    }
}
