using System.Buffers.Binary;
using AgentDb.Server.Bench.Ann.Data;

namespace AgentDb.Server.Tests.Bench.Ann.Data;

public sealed class VecsFormatTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Fvecs_RoundTrip_PreservesEveryComponentBitForBit()
    {
        var random = new Random(7);
        float[] data = new float[25 * 13];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (float)((random.NextDouble() - 0.5) * 1e6);
        }

        data[0] = -0f;
        data[1] = float.PositiveInfinity;
        data[2] = float.Epsilon;
        string path = _temp.File("v.fvecs");
        FvecsFile.Write(path, new VectorSet(data, 25, 13));

        VectorSet read = FvecsFile.Read(path);

        Assert.Equal(25, read.Count);
        Assert.Equal(13, read.Dimension);
        Assert.Equal(data.Select(BitConverter.SingleToInt32Bits), read.Data.Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(25L * (4 + (13 * 4)), new FileInfo(path).Length);
    }

    [Fact]
    public void Ivecs_RoundTrip_PreservesRows()
    {
        int[] ids = Enumerable.Range(-5, 40).ToArray();
        string path = _temp.File("gt.ivecs");
        IvecsFile.Write(path, new NeighborTable(ids, 4, 10));

        NeighborTable read = IvecsFile.Read(path);

        Assert.Equal(4, read.Rows);
        Assert.Equal(10, read.Width);
        Assert.Equal(ids, read.Ids);
    }

    [Fact]
    public void Write_LaysOutLittleEndianDimensionThenComponents()
    {
        string path = _temp.File("golden.fvecs");
        FvecsFile.Write(path, new VectorSet([1f, -2f, 0.5f, 3f], 2, 2));

        byte[] bytes = File.ReadAllBytes(path);

        // Golden bytes: int32 2, float 1, float -2, int32 2, float 0.5, float 3.
        Assert.Equal(
            Convert.FromHexString("02000000" + "0000803F" + "000000C0" + "02000000" + "0000003F" + "00004040"),
            bytes);
    }

    [Fact]
    public void Read_WithMaxCount_ReadsOnlyThePrefix()
    {
        string path = _temp.File("v.fvecs");
        FvecsFile.Write(path, new VectorSet(Enumerable.Range(0, 30).Select(i => (float)i).ToArray(), 10, 3));

        VectorSet read = FvecsFile.Read(path, maxCount: 4);

        Assert.Equal(4, read.Count);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (float)i), read.Data);
    }

    [Fact]
    public void Read_EmptyFile_ThrowsNamingTheFile()
    {
        string path = _temp.File("empty.fvecs");
        File.WriteAllBytes(path, []);

        var error = Assert.Throws<VectorFileFormatException>(() => FvecsFile.Read(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("empty", error.Message);
    }

    [Fact]
    public void Read_TruncatedDimensionWord_ThrowsNamingVectorAndOffset()
    {
        string path = WriteRecords(_temp.File("t.fvecs"), (3, 3), (3, 3));
        AppendBytes(path, [3, 0]);

        var error = Assert.Throws<VectorFileFormatException>(() => FvecsFile.Read(path));

        Assert.Equal(2, error.VectorIndex);
        Assert.Equal(32, error.ByteOffset);
        Assert.Contains(path, error.Message);
        Assert.Contains("vector 2", error.Message);
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void Read_TruncatedComponents_ThrowsNamingVectorAndOffset()
    {
        string path = WriteRecords(_temp.File("t.ivecs"), (4, 4));
        AppendBytes(path, [4, 0, 0, 0, 1, 0, 0, 0, 2]);

        var error = Assert.Throws<VectorFileFormatException>(() => IvecsFile.Read(path));

        Assert.Equal(1, error.VectorIndex);
        Assert.Equal(20, error.ByteOffset);
        Assert.Contains("truncated", error.Message);
        Assert.Contains("t.ivecs", error.Message);
    }

    [Fact]
    public void Read_InconsistentDimension_ThrowsNamingTheVector()
    {
        string path = WriteRecords(_temp.File("mixed.fvecs"), (2, 2), (2, 2), (3, 3), (2, 2));

        var error = Assert.Throws<VectorFileFormatException>(() => FvecsFile.Read(path));

        Assert.Equal(2, error.VectorIndex);
        Assert.Equal(24, error.ByteOffset);
        Assert.Contains("declares dimension 3, but vector 0 declares 2", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(VecsFormat.MaxDimension + 1)]
    public void Read_DimensionOutOfRange_Throws(int dimension)
    {
        string path = _temp.File("bad.fvecs");
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, dimension);
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<VectorFileFormatException>(() => FvecsFile.Read(path));

        Assert.Equal(0, error.VectorIndex);
        Assert.Contains($"declares dimension {dimension}", error.Message);
    }

    [Fact]
    public void Read_MissingFile_ThrowsFileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => FvecsFile.Read(_temp.File("missing.fvecs")));
    }

    /// <summary>Writes records given as (declared dimension, actual component count) with zero components.</summary>
    private static string WriteRecords(string path, params (int Declared, int Actual)[] records)
    {
        using var stream = File.Create(path);
        foreach (var (declared, actual) in records)
        {
            var bytes = new byte[4 + (4 * actual)];
            BinaryPrimitives.WriteInt32LittleEndian(bytes, declared);
            stream.Write(bytes);
        }

        return path;
    }

    private static void AppendBytes(string path, byte[] bytes)
    {
        using var stream = new FileStream(path, FileMode.Append);
        stream.Write(bytes);
    }
}
