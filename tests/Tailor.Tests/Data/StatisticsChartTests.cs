using System.Buffers.Binary;
using System.IO.Compression;
using Tailor.Data.Stats;
using Tailor.Data.Stats.Charts;

namespace Tailor.Tests.Data;

/// <summary>The PNG charts: valid PNG files whose bars are as long as the counts say.</summary>
public sealed class StatisticsChartTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tailor-charts-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Tag_bars_are_proportional_and_a_missing_id_is_drawn_as_a_warning()
    {
        var canvas = StatisticsCharts.Bars("examples per tag", [new LabelCount("answer-billing", 40), new LabelCount("troubleshoot", 20), new LabelCount("escalate", 0)]);

        int BarWidth(int row) => Enumerable.Range(0, canvas.Width).Count(x => canvas[x, 50 + row * 26 + 12] == 0x3B6EA5);
        Assert.Equal(350, BarWidth(0));
        Assert.Equal(175, BarWidth(1));
        Assert.Equal(0, BarWidth(2));
        Assert.Equal(0xD9822Bu, canvas[291, 50 + 2 * 26 + 12]);
    }

    [Fact]
    public void Written_charts_are_png_files_that_decode_to_the_drawn_pixels()
    {
        var builder = new DatasetStatisticsBuilder(specIds: ["a", "b"]);
        for (int i = 0; i < 30; i++)
        {
            builder.Add(Tailor.Data.Conversation.Chat(Tailor.Data.ConversationMessage.User($"question {i}"), Tailor.Data.ConversationMessage.Assistant(new string('x', i * 10 + 1))) with { Tags = ["a"] }, i + 1);
        }
        var stats = builder.Build();

        var written = StatisticsCharts.Write(stats, _dir, ["a", "b"]);

        Assert.Equal(["messages.png", "user-turns.png", "characters.png", "tags.png"], written.Select(Path.GetFileName));
        var (width, height, pixels) = Decode(File.ReadAllBytes(Path.Combine(_dir, "characters.png")));
        var expected = StatisticsCharts.Histogram("characters per example", stats.Characters);
        Assert.Equal((expected.Width, expected.Height), (width, height));
        for (int y = 0; y < height; y += 7)
        {
            for (int x = 0; x < width; x += 5)
            {
                Assert.Equal(expected[x, y], pixels[y * width + x]);
            }
        }
        Assert.Contains(pixels, p => p == 0x3B6EA5);
    }

    private static (int Width, int Height, uint[] Pixels) Decode(byte[] png)
    {
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        int offset = 8, width = 0, height = 0;
        using var idat = new MemoryStream();
        while (offset < png.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset));
            string type = System.Text.Encoding.ASCII.GetString(png, offset + 4, 4);
            var data = png.AsSpan(offset + 8, length);
            var crc = new System.IO.Hashing.Crc32();
            crc.Append(png.AsSpan(offset + 4, 4 + length));
            Assert.Equal(BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(offset + 8 + length)), crc.GetCurrentHashAsUInt32());
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                Assert.Equal(8, data[8]);
                Assert.Equal(2, data[9]);
            }
            else if (type == "IDAT")
            {
                idat.Write(data);
            }
            offset += 12 + length;
        }
        idat.Position = 0;
        using var zlib = new ZLibStream(idat, CompressionMode.Decompress);
        var raw = new MemoryStream();
        zlib.CopyTo(raw);
        byte[] rows = raw.ToArray();
        var pixels = new uint[width * height];
        for (int y = 0; y < height; y++)
        {
            Assert.Equal(0, rows[y * (width * 3 + 1)]);
            for (int x = 0; x < width; x++)
            {
                int i = y * (width * 3 + 1) + 1 + x * 3;
                pixels[y * width + x] = (uint)(rows[i] << 16 | rows[i + 1] << 8 | rows[i + 2]);
            }
        }
        return (width, height, pixels);
    }
}
