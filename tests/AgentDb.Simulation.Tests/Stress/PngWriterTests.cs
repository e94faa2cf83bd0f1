using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using AgentDb.Simulation.Stress;
using AgentDb.Simulation.Stress.Plot;

namespace AgentDb.Simulation.Tests.Stress;

public sealed class PngWriterTests
{
    [Fact]
    public void Write_ProducesSignatureValidChunksAndScanlinesOfTheImage()
    {
        var image = new RgbImage(7, 5, new Rgb(10, 20, 30));
        image.SetPixel(3, 2, new Rgb(200, 100, 50));
        using var stream = new MemoryStream();
        PngWriter.Write(stream, image);
        var png = stream.ToArray();

        Assert.True(png.AsSpan(0, 8).SequenceEqual(PngWriter.Signature));
        var chunks = ReadChunks(png);
        Assert.Equal(["IHDR", "IDAT", "IEND"], chunks.ConvertAll(c => c.Type));
        var header = chunks[0].Data;
        Assert.Equal(13, header.Length);
        Assert.Equal(7, BinaryPrimitives.ReadInt32BigEndian(header));
        Assert.Equal(5, BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4)));
        Assert.Equal(8, header[8]);
        Assert.Equal(2, header[9]);

        var raw = Inflate(chunks[1].Data);
        Assert.Equal(5 * (1 + (7 * 3)), raw.Length);
        for (var y = 0; y < 5; y++)
        {
            var row = raw.AsSpan(y * 22, 22);
            Assert.Equal(0, row[0]);
            Assert.True(row[1..].SequenceEqual(image.Pixels.AsSpan(y * 21, 21)));
        }
        Assert.Equal(new Rgb(200, 100, 50), image.GetPixel(3, 2));
        Assert.Empty(chunks[2].Data);
    }

    [Fact]
    public void Plot_IsAValidPngWhosePixelsChangeWithTheData()
    {
        var a = StressPlot.Render([Cell(10, 1, 1_000, 2), Cell(100, 1, 2_000, 3), Cell(10, 5, 3_000, 5), Cell(100, 5, 4_000, 9)], "TEST");
        var b = StressPlot.Render([Cell(10, 1, 1_000, 2), Cell(100, 1, 2_000, 3), Cell(10, 5, 3_000, 5), Cell(100, 5, 500, 40)], "TEST");
        Assert.False(a.Pixels.AsSpan().SequenceEqual(b.Pixels));

        // Each concurrency's colour is drawn (its line and legend swatch); a colour for a third series is not.
        Assert.True(CountColour(a, StressPlot.Palette[0]) > 100);
        Assert.True(CountColour(a, StressPlot.Palette[1]) > 100);
        Assert.Equal(0, CountColour(a, StressPlot.Palette[2]));

        using var stream = new MemoryStream();
        PngWriter.Write(stream, a);
        var chunks = ReadChunks(stream.ToArray());
        Assert.Equal(StressPlot.Height * (1 + (StressPlot.Width * 3)), Inflate(chunks[1].Data).Length);
    }

    [Fact]
    public void Plot_OfNoCellsOrOneAgentCountStillRenders()
    {
        Assert.Equal(StressPlot.Width, StressPlot.Render([], "EMPTY").Width);
        var single = StressPlot.Render([Cell(10, 1, 100, 1)], "ONE");
        Assert.True(CountColour(single, StressPlot.Palette[0]) > 0);
    }

    [Fact]
    public void DrawText_DrawsGlyphPixelsAndUnknownCharactersAsQuestionMarks()
    {
        var digit = new RgbImage(20, 20, Rgb.White);
        digit.DrawText(1, 1, "8", Rgb.Black);
        var eight = CountColour(digit, Rgb.Black);
        Assert.True(eight > 10);

        var unknown = new RgbImage(20, 20, Rgb.White);
        unknown.DrawText(1, 1, "\u00e9", Rgb.Black);
        var question = new RgbImage(20, 20, Rgb.White);
        question.DrawText(1, 1, "?", Rgb.Black);
        Assert.True(unknown.Pixels.AsSpan().SequenceEqual(question.Pixels));
        Assert.NotEqual(eight, CountColour(question, Rgb.Black));
    }

    [Fact]
    public void NiceCeiling_RoundsUpToOneTwoTwoAndAHalfOrFive()
    {
        Assert.Equal(1, StressPlot.NiceCeiling(0));
        Assert.Equal(2, StressPlot.NiceCeiling(1.5));
        Assert.Equal(250, StressPlot.NiceCeiling(201));
        Assert.Equal(5_000, StressPlot.NiceCeiling(4_100));
        Assert.Equal(10_000, StressPlot.NiceCeiling(5_001));
    }

    private static StressCellResult Cell(int agents, int concurrency, double throughput, double p99) => new()
    {
        Agents = agents,
        Concurrency = concurrency,
        Seconds = 1,
        Operations = 10,
        Successes = 10,
        Failures = 0,
        EpisodesStored = 5,
        Throughput = throughput,
        P50Ms = p99 / 2,
        P99Ms = p99,
        StoreP99Ms = p99,
        RetrieveP99Ms = p99,
        Errors = new Dictionary<string, long>(),
    };

    private static int CountColour(RgbImage image, Rgb colour)
    {
        var count = 0;
        for (var y = 0; y < image.Height; y++)
        {
            for (var x = 0; x < image.Width; x++)
            {
                if (image.GetPixel(x, y) == colour)
                {
                    count++;
                }
            }
        }
        return count;
    }

    private static byte[] Inflate(byte[] data)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(new MemoryStream(data), CompressionMode.Decompress))
        {
            zlib.CopyTo(output);
        }
        return output.ToArray();
    }

    /// <summary>Every chunk after the signature; asserts each chunk's CRC.</summary>
    private static List<(string Type, byte[] Data)> ReadChunks(byte[] png)
    {
        var chunks = new List<(string, byte[])>();
        var offset = 8;
        while (offset < png.Length)
        {
            Assert.True(offset + 12 <= png.Length, "truncated chunk");
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset));
            var typeAndData = png.AsSpan(offset + 4, 4 + length);
            var crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(offset + 8 + length));
            Assert.Equal(Crc32.HashToUInt32(typeAndData), crc);
            chunks.Add((System.Text.Encoding.ASCII.GetString(typeAndData[..4]), typeAndData[4..].ToArray()));
            offset += 12 + length;
        }
        Assert.Equal(png.Length, offset);
        return chunks;
    }
}
