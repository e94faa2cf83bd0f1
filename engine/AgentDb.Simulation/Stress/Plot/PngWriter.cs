using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace AgentDb.Simulation.Stress.Plot;

/// <summary>
/// A minimal PNG encoder: 8-bit truecolour (colour type 2), no interlace, every scanline with filter 0 (none), one
/// IDAT chunk compressed with zlib. Enough for the stress plot; no plotting package is needed.
/// </summary>
internal static class PngWriter
{
    /// <summary>The eight bytes every PNG file starts with.</summary>
    public static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Writes <paramref name="image"/> as a PNG file at <paramref name="path"/> (replaced if it exists).</summary>
    public static void Write(string path, RgbImage image)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        Write(file, image);
    }

    /// <summary>Writes <paramref name="image"/> as a PNG stream.</summary>
    public static void Write(Stream output, RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(image);
        output.Write(Signature);

        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, image.Width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], image.Height);
        header[8] = 8;  // bit depth
        header[9] = 2;  // colour type: truecolour
        header[10] = 0; // compression: deflate
        header[11] = 0; // filter method 0
        header[12] = 0; // no interlace
        WriteChunk(output, "IHDR"u8, header);

        using (var compressed = new MemoryStream())
        {
            using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            {
                var row = image.Width * 3;
                ReadOnlySpan<byte> filterNone = [0];
                for (var y = 0; y < image.Height; y++)
                {
                    zlib.Write(filterNone);
                    zlib.Write(image.Pixels.AsSpan(y * row, row));
                }
            }
            WriteChunk(output, "IDAT"u8, compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
        }
        WriteChunk(output, "IEND"u8, []);
    }

    /// <summary>One chunk: big-endian length, type, data, CRC-32 of type and data.</summary>
    private static void WriteChunk(Stream output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        output.Write(type);
        output.Write(data);
        var crc = new Crc32();
        crc.Append(type);
        crc.Append(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, crc.GetCurrentHashAsUInt32());
        output.Write(word);
    }
}
