namespace AgentDb.Server.Bench.Ann.Data;

/// <summary>
/// Float vectors of one dimension stored back to back (row <c>i</c> at <c>i * Dimension</c>): the base or query set
/// of a benchmark, as read from or written to an <c>.fvecs</c> file.
/// </summary>
internal sealed class VectorSet
{
    /// <summary>Wraps <paramref name="data"/> (not copied) as <paramref name="count"/> rows of <paramref name="dimension"/> floats.</summary>
    /// <exception cref="ArgumentException">The dimension is not positive or the array is not exactly count × dimension floats.</exception>
    public VectorSet(float[] data, int count, int dimension)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        if ((long)count * dimension != data.LongLength)
        {
            throw new ArgumentException($"{count} vectors of dimension {dimension} need {(long)count * dimension} floats; the array holds {data.LongLength}.", nameof(data));
        }

        Data = data;
        Count = count;
        Dimension = dimension;
    }

    /// <summary>All components, row-major.</summary>
    public float[] Data { get; }

    /// <summary>The number of vectors.</summary>
    public int Count { get; }

    /// <summary>The number of floats in each vector.</summary>
    public int Dimension { get; }

    /// <summary>Vector <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> Row(int index) => Data.AsSpan(checked(index * Dimension), Dimension);

    /// <summary>The first <paramref name="count"/> vectors as a new set sharing nothing with this one.</summary>
    public VectorSet Take(int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Count);
        return new VectorSet(Data.AsSpan(0, count * Dimension).ToArray(), count, Dimension);
    }
}
