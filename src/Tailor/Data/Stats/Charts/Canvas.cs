using System.IO.Compression;
using System.IO.Hashing;

namespace Tailor.Data.Stats.Charts;

/// <summary>
/// An RGB raster with the few drawing operations charts need (filled rectangles, lines, 5x7 text)
/// and a PNG encoder (8-bit RGB, zlib via System.IO.Compression, CRC-32 via System.IO.Hashing), so
/// charts render offline with no native graphics library and no fonts installed.
/// </summary>
/// <remarks>Not thread-safe.</remarks>
internal sealed class Canvas
{
    private readonly byte[] _pixels;

    public Canvas(int width, int height, uint background = 0xFFFFFF)
    {
        Width = width;
        Height = height;
        _pixels = new byte[width * height * 3];
        Fill(0, 0, width, height, background);
    }

    public int Width { get; }
    public int Height { get; }

    public uint this[int x, int y] => (uint)(_pixels[(y * Width + x) * 3] << 16 | _pixels[(y * Width + x) * 3 + 1] << 8 | _pixels[(y * Width + x) * 3 + 2]);

    public void Fill(int x, int y, int width, int height, uint color)
    {
        int x0 = Math.Max(0, x), y0 = Math.Max(0, y), x1 = Math.Min(Width, x + width), y1 = Math.Min(Height, y + height);
        for (int row = y0; row < y1; row++)
        {
            for (int column = x0; column < x1; column++)
            {
                int i = (row * Width + column) * 3;
                _pixels[i] = (byte)(color >> 16);
                _pixels[i + 1] = (byte)(color >> 8);
                _pixels[i + 2] = (byte)color;
            }
        }
    }

    /// <summary>Draws <paramref name="text"/> with the built-in 5x7 font at <paramref name="scale"/>; returns the width drawn.</summary>
    public int Text(int x, int y, string text, uint color, int scale = 2)
    {
        int start = x;
        foreach (char c in text)
        {
            var glyph = BitmapFont.Glyph(c);
            for (int row = 0; row < 7; row++)
            {
                for (int column = 0; column < 5; column++)
                {
                    if ((glyph[row] >> (4 - column) & 1) != 0)
                    {
                        Fill(x + column * scale, y + row * scale, scale, scale, color);
                    }
                }
            }
            x += 6 * scale;
        }
        return x - start;
    }

    public static int TextWidth(string text, int scale = 2) => text.Length * 6 * scale;

    public void WritePng(Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header, Width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), Height);
        header[8] = 8;   // bit depth
        header[9] = 2;   // colour type: RGB
        Chunk(output, "IHDR"u8, header);
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            for (int row = 0; row < Height; row++)
            {
                zlib.WriteByte(0); // filter: none
                zlib.Write(_pixels, row * Width * 3, Width * 3);
            }
        }
        Chunk(output, "IDAT"u8, compressed.ToArray());
        Chunk(output, "IEND"u8, []);
    }

    private static void Chunk(Stream output, ReadOnlySpan<byte> type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        output.Write(length);
        output.Write(type);
        output.Write(data);
        var crc = new Crc32();
        crc.Append(type);
        crc.Append(data);
        Span<byte> sum = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(sum, crc.GetCurrentHashAsUInt32());
        output.Write(sum);
    }
}
