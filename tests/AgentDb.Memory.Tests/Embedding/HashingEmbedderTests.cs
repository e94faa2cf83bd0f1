using System.IO.Hashing;
using System.Runtime.InteropServices;
using AgentDb.Memory.Embedding;
using AgentDb.Memory.Tests.Support;

namespace AgentDb.Memory.Tests.Embedding;

public sealed class HashingEmbedderTests
{
    private const string PinnedText = "The quick brown fox jumps over the lazy dog, 42 times!";

    [Fact]
    public void NameCarriesTheDimension()
    {
        using var embedder = new HashingEmbedder(256);
        Assert.Equal("hashing-256", embedder.Name);
        Assert.Equal(256, embedder.Dimension);
        Assert.Equal("hashing-384", new HashingEmbedder().Name);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(HashingEmbedder.MaxDimension + 1)]
    public void Constructor_RejectsDimensionOutOfRange(int dimension) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new HashingEmbedder(dimension));

    [Theory]
    [InlineData("a cat sits on the mat")]
    [InlineData("x")]
    [InlineData("")]
    [InlineData("   ,;!  ")]
    [InlineData("ÉCOLE Straße 東京 ☃ emoji 🙂")]
    public void Vectors_AreUnitLength(string text)
    {
        using var embedder = new HashingEmbedder();
        float[] vector = VectorMath.Embed(embedder, text);
        Assert.Equal(1f, VectorMath.Norm(vector), 4);
    }

    [Fact]
    public void Vector_IsPinnedAcrossRunsAndMachines()
    {
        // Computed once and pinned: any change to tokenisation, hashing, weights or seeds changes these, and with
        // them every vector a store already holds.
        using var embedder = new HashingEmbedder();
        float[] vector = VectorMath.Embed(embedder, PinnedText);
        ulong digest = XxHash64.HashToUInt64(MemoryMarshal.AsBytes(vector.AsSpan()));
        int nonZero = 0;
        int firstNonZero = -1;
        for (int i = 0; i < vector.Length; i++)
        {
            if (vector[i] != 0)
            {
                nonZero++;
                firstNonZero = firstNonZero < 0 ? i : firstNonZero;
            }
        }

        Assert.Equal(PinnedDigest, digest);
        Assert.Equal(PinnedNonZero, nonZero);
        Assert.Equal(PinnedFirstIndex, firstNonZero);
        Assert.Equal(PinnedFirstValueBits, BitConverter.SingleToInt32Bits(vector[firstNonZero])); // -0.19896804f
    }

    [Fact]
    public void SameText_SameVector_AcrossInstances()
    {
        using var a = new HashingEmbedder(128);
        using var b = new HashingEmbedder(128);
        Assert.Equal(VectorMath.Embed(a, "agents remember episodes"), VectorMath.Embed(b, "agents remember episodes"));
    }

    [Fact]
    public void CaseAndPunctuation_DoNotMatter()
    {
        using var embedder = new HashingEmbedder();
        Assert.Equal(VectorMath.Embed(embedder, "hello world"), VectorMath.Embed(embedder, "  Hello,   WORLD! "));
    }

    [Fact]
    public void SimilarTexts_AreCloserThanUnrelated()
    {
        using var embedder = new HashingEmbedder();
        float[] query = VectorMath.Embed(embedder, "the deployment failed because the database connection timed out");
        float[] near = VectorMath.Embed(embedder, "database connection timeout made the deployment fail");
        float[] far = VectorMath.Embed(embedder, "bake the cake at 180 degrees for forty minutes");
        float nearSimilarity = VectorMath.Dot(query, near);
        float farSimilarity = VectorMath.Dot(query, far);
        Assert.True(nearSimilarity > farSimilarity + 0.2f, $"near {nearSimilarity}, far {farSimilarity}");
    }

    [Fact]
    public void WordForms_ShareCharacterTrigrams()
    {
        using var embedder = new HashingEmbedder();
        float[] a = VectorMath.Embed(embedder, "connection");
        float[] b = VectorMath.Embed(embedder, "connections");
        float[] c = VectorMath.Embed(embedder, "umbrella");
        Assert.True(VectorMath.Dot(a, b) > VectorMath.Dot(a, c) + 0.3f);
    }

    [Fact]
    public void WordOrder_ChangesTheVectorThroughBigrams()
    {
        using var embedder = new HashingEmbedder();
        float[] a = VectorMath.Embed(embedder, "dog bites man");
        float[] b = VectorMath.Embed(embedder, "man bites dog");
        Assert.NotEqual(a, b);
        Assert.True(VectorMath.Dot(a, b) > 0.5f, "same words, so still close");
    }

    [Fact]
    public void Batch_EqualsOneAtATime()
    {
        using var embedder = new HashingEmbedder(64);
        string[] texts = ["first text", "", "second, longer text with more words", new string('z', 2000)];
        var batch = new float[texts.Length * 64];
        embedder.EmbedBatch(texts, batch);
        for (int i = 0; i < texts.Length; i++)
        {
            Assert.Equal(VectorMath.Embed(embedder, texts[i]), batch.AsSpan(i * 64, 64).ToArray());
        }
    }

    [Fact]
    public void WrongDestinationOrNullText_Throw()
    {
        using var embedder = new HashingEmbedder(8);
        Assert.Throws<ArgumentException>(() => embedder.Embed("x", new float[7]));
        Assert.Throws<ArgumentException>(() => embedder.EmbedBatch(["a", "b"], new float[8]));
        Assert.Throws<ArgumentNullException>(() => embedder.Embed(null!, new float[8]));
        Assert.Throws<ArgumentNullException>(() => embedder.EmbedBatch(["a", null!], new float[16]));
    }

    private const ulong PinnedDigest = 16635780762797481753;
    private const int PinnedNonZero = 53;
    private const int PinnedFirstIndex = 9;
    private const int PinnedFirstValueBits = unchecked((int)0xBE4BBE47);
}
