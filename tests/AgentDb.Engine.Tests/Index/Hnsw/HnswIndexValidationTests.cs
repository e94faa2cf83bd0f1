using AgentDb.Index.Hnsw;
using AgentDb.Kernels;

namespace AgentDb.Engine.Tests.Index.Hnsw;

public sealed class HnswIndexValidationTests
{
    public static TheoryData<Action<HnswOptions>, string> BadOptions => new()
    {
        { o => o.Dimension = 0, nameof(HnswOptions.Dimension) },
        { o => o.Dimension = HnswOptions.MaxDimension + 1, nameof(HnswOptions.Dimension) },
        { o => o.M = 1, nameof(HnswOptions.M) },
        { o => o.M = HnswOptions.MaxM + 1, nameof(HnswOptions.M) },
        { o => o.EfConstruction = 15, nameof(HnswOptions.EfConstruction) },
        { o => o.EfSearch = 0, nameof(HnswOptions.EfSearch) },
        { o => o.InitialCapacity = 0, nameof(HnswOptions.InitialCapacity) },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Constructor_WithOptionOutOfRange_ThrowsNamingIt(Action<HnswOptions> spoil, string option)
    {
        HnswOptions options = Valid();
        spoil(options);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new HnswIndex(options));
        Assert.Equal(option, error.ParamName);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    public void Constructor_WithUnknownMetric_Throws(byte metric)
    {
        HnswOptions options = Valid();
        options.Metric = (DistanceMetric)metric;

        Assert.Equal(nameof(HnswOptions.Metric), Assert.Throws<ArgumentException>(() => new HnswIndex(options)).ParamName);
    }

    [Fact]
    public void Constructor_WithNullOptions_Throws() => Assert.Throws<ArgumentNullException>(() => new HnswIndex(null!));

    [Fact]
    public void Constructor_ExposesTheShape()
    {
        using var index = new HnswIndex(Valid());

        Assert.Equal(4, index.Dimension);
        Assert.Equal(DistanceMetric.L2Squared, index.Metric);
        Assert.Equal(0, index.Count);
    }

    [Fact]
    public void Add_WithWrongDimension_Throws()
    {
        using var index = new HnswIndex(Valid());

        Assert.Throws<ArgumentException>(() => index.Add(1, [1f, 2f, 3f]));
        Assert.Equal(0, index.Count);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Add_WithNonFiniteValue_Throws(float value)
    {
        using var index = new HnswIndex(Valid());

        Assert.Throws<ArgumentException>(() => index.Add(1, [1f, value, 3f, 4f]));
        Assert.False(index.Contains(1));
    }

    [Fact]
    public void Add_OfLiveId_Throws()
    {
        using var index = new HnswIndex(Valid());
        index.Add(7, [1f, 2f, 3f, 4f]);

        Assert.Throws<ArgumentException>(() => index.Add(7, [5f, 6f, 7f, 8f]));
        Assert.Equal(1, index.Count);
    }

    [Fact]
    public void AddBatch_WithRepeatedOrExistingId_AddsNothing()
    {
        using var index = new HnswIndex(Valid());
        index.Add(1, [1f, 1f, 1f, 1f]);

        Assert.Throws<ArgumentException>(() => index.AddBatch([2L, 3L, 2L], new float[12]));
        Assert.Throws<ArgumentException>(() => index.AddBatch([4L, 1L], new float[8]));
        Assert.Equal(1, index.Count);
        Assert.False(index.Contains(2));
        Assert.False(index.Contains(4));
    }

    [Theory]
    [InlineData(3, 11)]
    [InlineData(3, 13)]
    [InlineData(0, 4)]
    public void AddBatch_WithVectorsNotOneRowPerId_Throws(int ids, int floats)
    {
        using var index = new HnswIndex(Valid());

        Assert.Throws<ArgumentException>(() => index.AddBatch(VectorData.Ids(ids), new float[floats]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-2)]
    public void AddBatch_WithBadParallelism_Throws(int parallelism)
    {
        using var index = new HnswIndex(Valid());

        Assert.Throws<ArgumentOutOfRangeException>(() => index.AddBatch([1L], new float[4], parallelism));
    }

    [Fact]
    public void AddBatch_WithNoIds_DoesNothing()
    {
        using var index = new HnswIndex(Valid());

        index.AddBatch([], []);

        Assert.Equal(0, index.Count);
    }

    [Fact]
    public void Search_WithWrongQueryDimension_Throws()
    {
        using var index = new HnswIndex(Valid());
        index.Add(1, [1f, 2f, 3f, 4f]);

        Assert.Throws<ArgumentException>(() => index.Search([1f, 2f], 1, new SearchHit[1]));
    }

    [Fact]
    public void Search_WithBadKOrEf_Throws()
    {
        using var index = new HnswIndex(Valid());
        float[] query = [1f, 2f, 3f, 4f];

        Assert.Throws<ArgumentOutOfRangeException>(() => index.Search(query, 0, new SearchHit[1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => index.Search(query, 1, new SearchHit[1], ef: -1));
        Assert.Throws<ArgumentException>(() => index.Search(query, 5, new SearchHit[4]));
    }

    [Fact]
    public void Search_OnEmptyIndex_ReturnsNothing()
    {
        using var index = new HnswIndex(Valid());

        Assert.Equal(0, index.Search([1f, 2f, 3f, 4f], 3, new SearchHit[3]));
    }

    [Fact]
    public void Calls_AfterDispose_Throw()
    {
        var index = new HnswIndex(Valid());
        index.Dispose();

        Assert.Throws<ObjectDisposedException>(() => index.Add(1, [1f, 2f, 3f, 4f]));
        Assert.Throws<ObjectDisposedException>(() => index.Search([1f, 2f, 3f, 4f], 1, new SearchHit[1]));
        Assert.Throws<ObjectDisposedException>(() => index.Delete(1));
        index.Dispose();
    }

    [Fact]
    public void IdSetFilter_CountsDistinctIds()
    {
        var filter = new IdSetFilter([1L, 2L, 2L, 3L]);

        Assert.Equal(3, filter.Count);
        Assert.True(filter.Matches(2));
        Assert.False(filter.Matches(4));
        Assert.Throws<ArgumentNullException>(() => new IdSetFilter((IEnumerable<long>)null!));
    }

    private static HnswOptions Valid() => new() { Dimension = 4, Metric = DistanceMetric.L2Squared };
}
