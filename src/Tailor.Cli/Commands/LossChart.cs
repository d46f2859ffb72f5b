using System.Globalization;
using System.Text;
using Tailor.Tuning;

namespace Tailor.Cli.Commands;

/// <summary>
/// The loss curve of a job as text for the terminal: training loss drawn with braille dots (2 × 4 per character, each
/// pixel column the mean of its steps, neighbours joined), validation loss marked <c>×</c>, the loss range on the left
/// and the step range below. A pure function of the metrics, so it is the same live and in tests.
/// </summary>
internal static class LossChart
{
    /// <summary>The chart's lines; empty when there is no loss to draw.</summary>
    public static IReadOnlyList<string> Render(IReadOnlyList<TuningMetric> metrics, int width = 60, int height = 8)
    {
        var train = metrics.Where(m => m.TrainLoss is { } l && double.IsFinite(l)).Select(m => (m.Step, Loss: m.TrainLoss!.Value)).ToList();
        var valid = metrics.Where(m => m.ValidLoss is { } l && double.IsFinite(l)).Select(m => (m.Step, Loss: m.ValidLoss!.Value)).ToList();
        if (train.Count == 0 && valid.Count == 0)
        {
            return [];
        }

        var all = train.Concat(valid).ToList();
        int firstStep = all.Min(p => p.Step), lastStep = all.Max(p => p.Step);
        double low = all.Min(p => p.Loss), high = all.Max(p => p.Loss);
        if (high - low < 1e-9)
        {
            (low, high) = (low - 0.5, high + 0.5);
        }

        int pixelsX = width * 2, pixelsY = height * 4;
        int X(int step) => lastStep == firstStep ? 0 : (int)Math.Round((step - firstStep) / (double)(lastStep - firstStep) * (pixelsX - 1));
        int Y(double loss) => (int)Math.Round((high - loss) / (high - low) * (pixelsY - 1));

        var dots = new bool[pixelsX, pixelsY];
        var columns = train.GroupBy(p => X(p.Step)).OrderBy(g => g.Key).Select(g => (X: g.Key, Y: Y(g.Average(p => p.Loss)))).ToList();
        for (int i = 0; i < columns.Count; i++)
        {
            if (i == 0)
            {
                dots[columns[0].X, columns[0].Y] = true;
                continue;
            }

            Line(dots, columns[i - 1].X, columns[i - 1].Y, columns[i].X, columns[i].Y);
        }

        var cells = new char[width, height];
        for (int cx = 0; cx < width; cx++)
        {
            for (int cy = 0; cy < height; cy++)
            {
                int bits = 0;
                for (int dx = 0; dx < 2; dx++)
                {
                    for (int dy = 0; dy < 4; dy++)
                    {
                        if (dots[cx * 2 + dx, cy * 4 + dy])
                        {
                            bits |= Bit(dx, dy);
                        }
                    }
                }

                cells[cx, cy] = bits == 0 ? ' ' : (char)(0x2800 + bits);
            }
        }

        foreach (var (step, loss) in valid)
        {
            cells[X(step) / 2, Y(loss) / 4] = '×';
        }

        string top = Label(high), bottom = Label(low);
        int margin = Math.Max(top.Length, bottom.Length);
        var lines = new List<string>(height + 3)
        {
            new string(' ', margin + 1) + (valid.Count > 0 ? "loss: training ⠒⠒, validation ×" : "training loss"),
        };
        for (int cy = 0; cy < height; cy++)
        {
            string label = cy == 0 ? top : cy == height - 1 ? bottom : "";
            var row = new StringBuilder(label.PadLeft(margin)).Append(" │");
            for (int cx = 0; cx < width; cx++)
            {
                row.Append(cells[cx, cy]);
            }

            lines.Add(row.ToString().TrimEnd());
        }

        lines.Add(new string(' ', margin + 1) + "└" + new string('─', width));
        string first = $"step {firstStep}", last = lastStep.ToString(CultureInfo.InvariantCulture);
        lines.Add(new string(' ', margin + 2) + first + last.PadLeft(Math.Max(1, width - first.Length)));
        return lines;
    }

    private static string Label(double loss) => loss.ToString(loss >= 100 ? "0" : "0.000", CultureInfo.InvariantCulture);

    // braille dot numbering: column 0 holds dots 1, 2, 3, 7; column 1 holds 4, 5, 6, 8
    private static int Bit(int dx, int dy) => (dx, dy) switch
    {
        (0, 3) => 0x40,
        (1, 3) => 0x80,
        (0, _) => 1 << dy,
        _ => 1 << (dy + 3),
    };

    private static void Line(bool[,] dots, int x0, int y0, int x1, int y1)
    {
        int dx = Math.Abs(x1 - x0), dy = -Math.Abs(y1 - y0), sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1, error = dx + dy;
        while (true)
        {
            dots[x0, y0] = true;
            if (x0 == x1 && y0 == y1)
            {
                return;
            }

            int twice = 2 * error;
            if (twice >= dy)
            {
                error += dy;
                x0 += sx;
            }

            if (twice <= dx)
            {
                error += dx;
                y0 += sy;
            }
        }
    }
}
