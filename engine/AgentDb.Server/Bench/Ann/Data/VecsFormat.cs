using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace AgentDb.Server.Bench.Ann.Data;

/// <summary>
/// The TEXMEX / ann-benchmarks <c>.fvecs</c> and <c>.ivecs</c> layout shared by both files: for each vector an int32
/// little-endian dimension, then that many 4-byte little-endian components. There is no header, magic or count;
/// every vector of a file must have the same dimension.
/// </summary>
internal static class VecsFormat
{
    /// <summary>The largest dimension accepted: anything above is taken for a corrupt or foreign file.</summary>
    public const int MaxDimension = 65_536;

    /// <summary>
    /// Reads up to <paramref name="maxCount"/> vectors of <paramref name="path"/>, checking every record before it is used.
    /// </summary>
    /// <exception cref="VectorFileFormatException">The file is empty, truncated, or its dimensions are invalid or differ.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static T[] Read<T>(string path, int maxCount, out int count, out int dimension)
        where T : unmanaged
    {
        System.Diagnostics.Debug.Assert(HasFourByteComponents<T>(), "Only 4-byte components are stored in .fvecs/.ivecs files.");
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        long length = stream.Length;
        if (length == 0)
        {
            throw new VectorFileFormatException(path, "the file is empty; it holds no vectors.");
        }

        Span<byte> header = stackalloc byte[sizeof(int)];
        dimension = ReadDimension(stream, path, 0, 0, header) ?? throw new VectorFileFormatException(path, "the file is empty; it holds no vectors.");
        long recordBytes = sizeof(int) + (long)dimension * sizeof(int);

        // Size the array from the file length before allocating: a truncated tail is rejected below, so the
        // array is never more than one record larger than the data, and never larger than the file.
        long records = (length + recordBytes - 1) / recordBytes;
        long capacity = Math.Min(records, maxCount);
        if (capacity * dimension > Array.MaxLength)
        {
            throw new VectorFileFormatException(path, $"{capacity} vectors of dimension {dimension} exceed the largest array this reader can hold.");
        }

        var data = new T[capacity * dimension];
        count = 0;
        for (long offset = 0; count < capacity; offset += recordBytes)
        {
            int? declared = count == 0 ? dimension : ReadDimension(stream, path, count, offset, header);
            if (declared is null)
            {
                break;
            }

            if (declared.Value != dimension)
            {
                throw new VectorFileFormatException(path, count, offset, $"declares dimension {declared.Value}, but vector 0 declares {dimension}.");
            }

            Span<byte> payload = MemoryMarshal.AsBytes(data.AsSpan(count * dimension, dimension));
            int read = stream.ReadAtLeast(payload, payload.Length, throwOnEndOfStream: false);
            if (read < payload.Length)
            {
                throw new VectorFileFormatException(path, count, offset, $"is truncated: {dimension} components need {payload.Length} bytes, the file holds {read} more.");
            }

            if (!BitConverter.IsLittleEndian)
            {
                BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, int>(payload), MemoryMarshal.Cast<byte, int>(payload));
            }

            count++;
        }

        return count * dimension == data.Length ? data : data.AsSpan(0, count * dimension).ToArray();
    }

    /// <summary>
    /// Writes <paramref name="count"/> vectors of <paramref name="dimension"/> components to <paramref name="path"/>,
    /// through a temporary file renamed into place, so a reader never sees a half-written file.
    /// </summary>
    /// <exception cref="ArgumentException">The data is not count × dimension components or the dimension is out of range.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Write<T>(string path, ReadOnlySpan<T> data, int count, int dimension)
        where T : unmanaged
    {
        System.Diagnostics.Debug.Assert(HasFourByteComponents<T>(), "Only 4-byte components are stored in .fvecs/.ivecs files.");
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dimension, MaxDimension);
        if ((long)count * dimension != data.Length)
        {
            throw new ArgumentException($"{count} vectors of dimension {dimension} need {(long)count * dimension} components; {data.Length} were given.", nameof(data));
        }

        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        string temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            Span<byte> header = stackalloc byte[sizeof(int)];
            BinaryPrimitives.WriteInt32LittleEndian(header, dimension);
            byte[]? swapped = BitConverter.IsLittleEndian ? null : new byte[dimension * sizeof(int)];
            for (int i = 0; i < count; i++)
            {
                stream.Write(header);
                ReadOnlySpan<byte> payload = MemoryMarshal.AsBytes(data.Slice(i * dimension, dimension));
                if (swapped is not null)
                {
                    BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<byte, int>(payload), MemoryMarshal.Cast<byte, int>(swapped.AsSpan()));
                    payload = swapped;
                }

                stream.Write(payload);
            }
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Reads the dimension word of vector <paramref name="index"/>; null at a clean end of file.</summary>
    private static int? ReadDimension(FileStream stream, string path, long index, long offset, Span<byte> header)
    {
        int read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (read == 0)
        {
            return null;
        }

        if (read < header.Length)
        {
            throw new VectorFileFormatException(path, index, offset, $"is truncated: its dimension word has {read} of 4 bytes.");
        }

        int dimension = BinaryPrimitives.ReadInt32LittleEndian(header);
        if (dimension < 1 || dimension > MaxDimension)
        {
            throw new VectorFileFormatException(path, index, offset, $"declares dimension {dimension}, outside 1..{MaxDimension}.");
        }

        return dimension;
    }

    private static bool HasFourByteComponents<T>()
        where T : unmanaged => System.Runtime.CompilerServices.Unsafe.SizeOf<T>() == sizeof(int);
}
