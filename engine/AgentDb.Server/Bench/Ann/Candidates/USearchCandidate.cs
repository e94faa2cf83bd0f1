using System.Runtime.InteropServices;
using AgentDb.Kernels;
using AgentDb.Server.Bench.Ann.Data;
using Cloud.Unum.USearch;

namespace AgentDb.Server.Bench.Ann.Candidates;

/// <summary>
/// USearch (HNSW in C++, NuGet <c>Cloud.Unum.USearch</c>) with float32 storage, connectivity 16 and expansion_add
/// 200; expansion_search is set to each ef of the sweep. The build inserts from <c>threads</c> .NET threads into one
/// index, which USearch supports once it has reserved as many thread slots.
/// </summary>
internal sealed class USearchCandidate : IAnnCandidate
{
    /// <summary>Graph links per node (USearch's connectivity, hnswlib's M).</summary>
    public const int Connectivity = 16;

    /// <summary>Candidate-list breadth while inserting (hnswlib's ef_construction).</summary>
    public const int ExpansionAdd = 200;

    private readonly DistanceMetric _metric;
    private IntPtr _index;
    private int _dimension;
    private int _expansionSearch = -1;
    private ulong[] _keys = [];
    private float[] _distances = [];

    /// <summary>An index measuring distances with <paramref name="metric"/>; created by <see cref="Build"/>.</summary>
    public USearchCandidate(DistanceMetric metric) => _metric = metric;

    /// <inheritdoc/>
    public string Name => "usearch";

    /// <inheritdoc/>
    public string Detail =>
        $"usearch {USearchCapabilities.Version()} (f32, connectivity={Connectivity}, expansion_add={ExpansionAdd}, simd={HardwareAcceleration()})";

    /// <inheritdoc/>
    public bool UsesEf => true;

    /// <inheritdoc/>
    public long? MemoryBytes
    {
        get
        {
            if (_index == IntPtr.Zero)
            {
                return null;
            }

            nuint bytes = USearchNative.MemoryUsage(_index, out IntPtr error);
            USearchNative.ThrowIfError(error, "memory_usage");
            return (long)bytes;
        }
    }

    /// <summary>The SIMD target the built index runs on, as USearch names it.</summary>
    public string HardwareAcceleration()
    {
        if (_index == IntPtr.Zero)
        {
            return "unbuilt";
        }

        IntPtr name = USearchNative.HardwareAcceleration(_index, out IntPtr error);
        USearchNative.ThrowIfError(error, "hardware_acceleration");
        return Marshal.PtrToStringUTF8(name) ?? "unknown";
    }

    /// <inheritdoc/>
    public void Build(VectorSet baseVectors, int threads)
    {
        ArgumentNullException.ThrowIfNull(baseVectors);
        if (_index != IntPtr.Zero)
        {
            throw new InvalidOperationException("Build runs once.");
        }

        _dimension = baseVectors.Dimension;
        var options = new IndexOptions(
            MetricKindOf(_metric), IntPtr.Zero, ScalarKind.Float32, (ulong)_dimension, Connectivity, ExpansionAdd, expansionSearch: 64, multi: false);
        _index = USearchNative.Init(ref options, out IntPtr error);
        USearchNative.ThrowIfError(error, "init");
        USearchNative.Reserve(_index, (nuint)baseVectors.Count, out error);
        USearchNative.ThrowIfError(error, "reserve");
        USearchNative.ChangeThreadsAdd(_index, (nuint)threads, out error);
        USearchNative.ThrowIfError(error, "change_threads_add");
        USearchNative.ChangeThreadsSearch(_index, 1, out error);
        USearchNative.ThrowIfError(error, "change_threads_search");

        IntPtr index = _index;
        float[] data = baseVectors.Data;
        int dimension = _dimension;
        Parallel.For(0, baseVectors.Count, new ParallelOptions { MaxDegreeOfParallelism = threads }, i =>
        {
            USearchNative.Add(index, (ulong)i, ref data[i * dimension], ScalarKind.Float32, out IntPtr addError);
            USearchNative.ThrowIfError(addError, "add");
        });
    }

    /// <inheritdoc/>
    public int Search(ReadOnlySpan<float> query, int k, int ef, Span<long> ids)
    {
        if (_index == IntPtr.Zero)
        {
            throw new InvalidOperationException("Build must run before Search.");
        }

        if (query.Length != _dimension)
        {
            throw new ArgumentException($"The query has {query.Length} components; the index holds dimension {_dimension}.", nameof(query));
        }

        IntPtr error;
        if (ef != _expansionSearch)
        {
            USearchNative.ChangeExpansionSearch(_index, (nuint)ef, out error);
            USearchNative.ThrowIfError(error, "change_expansion_search");
            _expansionSearch = ef;
        }

        if (_keys.Length < k)
        {
            _keys = new ulong[k];
            _distances = new float[k];
        }

        int found = (int)USearchNative.Search(
            _index, ref MemoryMarshal.GetReference(query), ScalarKind.Float32, (nuint)k, ref _keys[0], ref _distances[0], out error);
        USearchNative.ThrowIfError(error, "search");
        found = Math.Min(found, ids.Length);
        for (int i = 0; i < found; i++)
        {
            ids[i] = (long)_keys[i];
        }

        return found;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_index != IntPtr.Zero)
        {
            USearchNative.Free(_index, out _);
            _index = IntPtr.Zero;
        }
    }

    private static MetricKind MetricKindOf(DistanceMetric metric) => metric switch
    {
        DistanceMetric.Cosine => MetricKind.Cos,
        DistanceMetric.L2Squared => MetricKind.L2sq,
        DistanceMetric.Dot => MetricKind.Ip,
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown metric."),
    };
}
