namespace AgentDb.Server.Bench.Ann.Data;

/// <summary>Reads and writes <c>.ivecs</c> files (int32 rows, e.g. ground truth): see <see cref="VecsFormat"/> for the layout.</summary>
internal static class IvecsFile
{
    /// <summary>Reads every row of <paramref name="path"/>.</summary>
    /// <exception cref="VectorFileFormatException">The file is empty, truncated, or its row widths are invalid or differ.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static NeighborTable Read(string path)
    {
        int[] ids = VecsFormat.Read<int>(path, int.MaxValue, out int rows, out int width);
        return new NeighborTable(ids, rows, width);
    }

    /// <summary>Writes <paramref name="table"/> to <paramref name="path"/>, replacing it atomically.</summary>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Write(string path, NeighborTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        VecsFormat.Write<int>(path, table.Ids, table.Rows, table.Width);
    }
}
