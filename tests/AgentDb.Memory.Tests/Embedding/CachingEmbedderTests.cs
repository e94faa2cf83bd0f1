using AgentDb.Memory.Embedding;
using AgentDb.Memory.Tests.Support;

namespace AgentDb.Memory.Tests.Embedding;

public sealed class CachingEmbedderTests
{
    private const int Dimension = 16;

    [Fact]
    public void SecondEmbedOfTheSameText_DoesNotCallTheInnerEmbedder()
    {
        var inner = new RecordingEmbedder(Dimension);
        using var cache = new CachingEmbedder(inner);
        float[] first = VectorMath.Embed(cache, "remember this");
        float[] second = VectorMath.Embed(cache, "remember this");
        Assert.Equal(first, second);
        Assert.Equal(VectorMath.Embed(new HashingEmbedder(Dimension), "remember this"), first);
        Assert.Equal(new[] { "remember this" }, inner.Texts);
        Assert.Equal(1, cache.Hits);
        Assert.Equal(1, cache.Misses);
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void NameAndDimension_AreTheInnerEmbedders()
    {
        using var cache = new CachingEmbedder(new HashingEmbedder(32));
        Assert.Equal("hashing-32", cache.Name);
        Assert.Equal(32, cache.Dimension);
    }

    [Fact]
    public void TextsDifferingOnlyInCase_AreDifferentKeys()
    {
        var inner = new RecordingEmbedder(Dimension);
        using var cache = new CachingEmbedder(inner);
        VectorMath.Embed(cache, "Text");
        VectorMath.Embed(cache, "text");
        VectorMath.Embed(cache, "text ");
        Assert.Equal(3, inner.Texts.Count);
        Assert.Equal(0, cache.Hits);
    }

    [Fact]
    public void AtCapacity_TheLeastRecentlyUsedIsEvicted()
    {
        var inner = new RecordingEmbedder(Dimension);
        using var cache = new CachingEmbedder(inner, capacity: 3);
        VectorMath.Embed(cache, "a");
        VectorMath.Embed(cache, "b");
        VectorMath.Embed(cache, "c");
        VectorMath.Embed(cache, "a"); // hit: "a" is now the newest, "b" the oldest
        VectorMath.Embed(cache, "d"); // evicts "b"
        Assert.Equal(3, cache.Count);
        Assert.Equal(4, inner.Texts.Count);

        VectorMath.Embed(cache, "a");
        VectorMath.Embed(cache, "c");
        VectorMath.Embed(cache, "d");
        Assert.Equal(4, inner.Texts.Count); // all three still cached

        VectorMath.Embed(cache, "b"); // evicted earlier: embedded again, evicting "a" (the oldest now)
        Assert.Equal(new[] { "a", "b", "c", "d", "b" }, inner.Texts);
        VectorMath.Embed(cache, "a");
        Assert.Equal(6, inner.Texts.Count);
        Assert.Equal(3, cache.Count);
    }

    [Fact]
    public void CapacityOne_KeepsOnlyTheLastText()
    {
        var inner = new RecordingEmbedder(Dimension);
        using var cache = new CachingEmbedder(inner, capacity: 1);
        VectorMath.Embed(cache, "a");
        VectorMath.Embed(cache, "a");
        VectorMath.Embed(cache, "b");
        VectorMath.Embed(cache, "a");
        Assert.Equal(new[] { "a", "b", "a" }, inner.Texts);
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void ManyEvictions_AcrossPages_KeepVectorsRight()
    {
        // Capacity over one page (256 rows), filled several times over: every vector read back must be its text's.
        var reference = new HashingEmbedder(Dimension);
        using var cache = new CachingEmbedder(new HashingEmbedder(Dimension), capacity: 300);
        var random = new Random(7);
        for (int i = 0; i < 3000; i++)
        {
            string text = "text " + random.Next(600);
            Assert.Equal(VectorMath.Embed(reference, text), VectorMath.Embed(cache, text));
        }

        Assert.Equal(300, cache.Count);
        Assert.True(cache.Hits > 0);
        Assert.Equal(3000, cache.Hits + cache.Misses);
    }

    [Fact]
    public void Batch_WithMixedHitsAndMisses_EmbedsOnlyTheMissesInOneCall()
    {
        var inner = new RecordingEmbedder(Dimension);
        using var cache = new CachingEmbedder(inner);
        VectorMath.Embed(cache, "cached one");
        VectorMath.Embed(cache, "cached two");

        string[] texts = ["new one", "cached two", "new two", "new one", "cached one"];
        var destination = new float[texts.Length * Dimension];
        cache.EmbedBatch(texts, destination);

        string[] batch = Assert.Single(inner.Batches);
        Assert.Equal(new[] { "new one", "new two" }, batch); // each distinct miss once, in order of first appearance
        var reference = new HashingEmbedder(Dimension);
        for (int i = 0; i < texts.Length; i++)
        {
            Assert.Equal(VectorMath.Embed(reference, texts[i]), destination.AsSpan(i * Dimension, Dimension).ToArray());
        }

        Assert.Equal(2, cache.Hits);
        Assert.Equal(5, cache.Misses); // 2 singles + 3 batch rows not found in the cache ("new one" twice)

        cache.EmbedBatch(texts, destination);
        Assert.Single(inner.Batches); // all hits now: no inner call
        Assert.Equal(7, cache.Hits);
    }

    [Fact]
    public void Batch_AllHits_AndEmptyBatch_DoNotCallTheInnerEmbedder()
    {
        var inner = new RecordingEmbedder(Dimension);
        using var cache = new CachingEmbedder(inner);
        cache.EmbedBatch([], []);
        VectorMath.Embed(cache, "x");
        cache.EmbedBatch(["x", "x"], new float[2 * Dimension]);
        Assert.Empty(inner.Batches);
        Assert.Equal(1, inner.SingleCalls);
    }

    [Fact]
    public void Batch_LargerThanCapacity_StillReturnsEveryVector()
    {
        var inner = new RecordingEmbedder(Dimension);
        using var cache = new CachingEmbedder(inner, capacity: 2);
        string[] texts = ["a", "b", "c", "d", "a"];
        var destination = new float[texts.Length * Dimension];
        cache.EmbedBatch(texts, destination);
        var reference = new HashingEmbedder(Dimension);
        for (int i = 0; i < texts.Length; i++)
        {
            Assert.Equal(VectorMath.Embed(reference, texts[i]), destination.AsSpan(i * Dimension, Dimension).ToArray());
        }

        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public void Clear_DropsVectorsButKeepsCounters()
    {
        var inner = new RecordingEmbedder(Dimension);
        using var cache = new CachingEmbedder(inner);
        VectorMath.Embed(cache, "x");
        VectorMath.Embed(cache, "x");
        cache.Clear();
        Assert.Equal(0, cache.Count);
        VectorMath.Embed(cache, "x");
        Assert.Equal(2, inner.Texts.Count);
        Assert.Equal(1, cache.Hits);
        Assert.Equal(2, cache.Misses);
    }

    [Fact]
    public void Dispose_DisposesTheInnerOnlyWhenOwned()
    {
        var owned = new RecordingEmbedder(Dimension);
        new CachingEmbedder(owned).Dispose();
        Assert.True(owned.Disposed);

        var shared = new RecordingEmbedder(Dimension);
        new CachingEmbedder(shared, ownsInner: false).Dispose();
        Assert.False(shared.Disposed);
    }

    [Fact]
    public void BadArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => new CachingEmbedder(null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CachingEmbedder(new HashingEmbedder(8), capacity: 0));
        using var cache = new CachingEmbedder(new HashingEmbedder(8));
        Assert.Throws<ArgumentException>(() => cache.Embed("x", new float[9]));
        Assert.Throws<ArgumentNullException>(() => cache.Embed(null!, new float[8]));
        Assert.Throws<ArgumentException>(() => cache.EmbedBatch(["x"], new float[16]));
        Assert.Throws<ArgumentNullException>(() => cache.EmbedBatch([null!], new float[8]));
    }

    [Fact]
    public async Task ConcurrentEmbeds_ReturnTheRightVectorsAndKeepTheCacheConsistent()
    {
        var reference = new HashingEmbedder(Dimension);
        var inner = new RecordingEmbedder(Dimension);
        using var cache = new CachingEmbedder(inner, capacity: 50);
        string[] pool = new string[120];
        var expected = new float[pool.Length][];
        for (int i = 0; i < pool.Length; i++)
        {
            pool[i] = $"shared text number {i}";
            expected[i] = VectorMath.Embed(reference, pool[i]);
        }

        const int threads = 4;
        const int rounds = 2000;
        var tasks = new Task[threads];
        for (int t = 0; t < threads; t++)
        {
            int seed = t;
            tasks[t] = Task.Run(() =>
            {
                var random = new Random(seed);
                var one = new float[Dimension];
                var batch = new float[3 * Dimension];
                for (int r = 0; r < rounds; r++)
                {
                    int a = random.Next(pool.Length);
                    if (r % 4 == 0)
                    {
                        int b = random.Next(pool.Length);
                        int c = random.Next(pool.Length);
                        cache.EmbedBatch([pool[a], pool[b], pool[c]], batch);
                        Assert.Equal(expected[a], batch.AsSpan(0, Dimension).ToArray());
                        Assert.Equal(expected[b], batch.AsSpan(Dimension, Dimension).ToArray());
                        Assert.Equal(expected[c], batch.AsSpan(2 * Dimension, Dimension).ToArray());
                    }
                    else
                    {
                        cache.Embed(pool[a], one);
                        Assert.Equal(expected[a], one);
                    }
                }
            });
        }

        await Task.WhenAll(tasks);
        Assert.Equal(50, cache.Count);
        long rows = threads * ((rounds / 4 * 3) + (rounds - (rounds / 4)));
        Assert.Equal(rows, cache.Hits + cache.Misses);
        Assert.True(inner.Texts.Count <= cache.Misses);
    }
}
