namespace AgentDb.Server.Bench.Ann.Data;

/// <summary>Reads and writes <c>.fvecs</c> files (float32 vectors): see <see cref="VecsFormat"/> for the layout.</summary>
internal static class FvecsFile
{
    /// <summary>Reads the first <paramref name="maxCount"/> vectors of <paramref name="path"/> (all by default).</summary>
    /// <exception cref="VectorFileFormatException">The file is empty, truncated, or its dimensions are invalid or differ.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static VectorSet Read(string path, int maxCount = int.MaxValue)
    {
        float[] data = VecsFormat.Read<float>(path, maxCount, out int count, out int dimension);
        return new VectorSet(data, count, dimension);
    }

    /// <summary>Writes <paramref name="vectors"/> to <paramref name="path"/>, replacing it atomically.</summary>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Write(string path, VectorSet vectors)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        VecsFormat.Write<float>(path, vectors.Data, vectors.Count, vectors.Dimension);
    }
}
