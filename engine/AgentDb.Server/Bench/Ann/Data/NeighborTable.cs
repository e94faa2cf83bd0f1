namespace AgentDb.Server.Bench.Ann.Data;

/// <summary>
/// For each query, the ids of its neighbours nearest first (row <c>q</c> at <c>q * Width</c>): ground truth or the
/// answers of a candidate, as read from or written to an <c>.ivecs</c> file. Unused slots hold -1.
/// </summary>
internal sealed class NeighborTable
{
    /// <summary>Wraps <paramref name="ids"/> (not copied) as <paramref name="rows"/> rows of <paramref name="width"/> ids.</summary>
    /// <exception cref="ArgumentException">The width is not positive or the array is not exactly rows × width ids.</exception>
    public NeighborTable(int[] ids, int rows, int width)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        if ((long)rows * width != ids.LongLength)
        {
            throw new ArgumentException($"{rows} rows of width {width} need {(long)rows * width} ids; the array holds {ids.LongLength}.", nameof(ids));
        }

        Ids = ids;
        Rows = rows;
        Width = width;
    }

    /// <summary>A table of <paramref name="rows"/> rows of <paramref name="width"/> ids, every slot -1.</summary>
    public static NeighborTable CreateEmpty(int rows, int width)
    {
        var ids = new int[checked(rows * width)];
        ids.AsSpan().Fill(-1);
        return new NeighborTable(ids, rows, width);
    }

    /// <summary>All ids, row-major.</summary>
    public int[] Ids { get; }

    /// <summary>The number of queries.</summary>
    public int Rows { get; }

    /// <summary>The number of neighbours stored per query.</summary>
    public int Width { get; }

    /// <summary>The neighbours of query <paramref name="row"/>, nearest first.</summary>
    public ReadOnlySpan<int> Row(int row) => Ids.AsSpan(checked(row * Width), Width);

    /// <summary>The neighbours of query <paramref name="row"/>, writable.</summary>
    public Span<int> MutableRow(int row) => Ids.AsSpan(checked(row * Width), Width);
}
