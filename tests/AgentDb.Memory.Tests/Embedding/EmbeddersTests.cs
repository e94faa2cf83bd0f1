using AgentDb.Engine.Tests.Support;
using AgentDb.Memory.Embedding;
using AgentDb.Memory.Tests.Support;

namespace AgentDb.Memory.Tests.Embedding;

public sealed class EmbeddersTests
{
    [Fact]
    public void Default_IsCachedMiniLm_NotLoadedUntilUsed()
    {
        using CachingEmbedder embedder = Embedders.Default(cacheCapacity: 100);
        Assert.Equal("all-MiniLM-L6-v2", embedder.Name);
        Assert.Equal(384, embedder.Dimension);
        Assert.Equal(100, embedder.Capacity);
        MiniLmEmbedder inner = Assert.IsType<MiniLmEmbedder>(embedder.Inner);
        Assert.False(inner.IsLoaded);
        Assert.Equal(CachingEmbedder.DefaultCapacity, Embedders.Default().Capacity);
    }

    [Fact]
    public void Hashing_HasTheAskedDimension()
    {
        using HashingEmbedder embedder = Embedders.Hashing(64);
        Assert.Equal(64, embedder.Dimension);
        Assert.Equal(1f, VectorMath.Norm(VectorMath.Embed(embedder, "some text")), 4);
    }

    [Fact]
    public void Onnx_WithAMissingFile_ThrowsFileNotFound()
    {
        string missing = Path.Combine(Path.GetTempPath(), $"agentdb-missing-{Guid.NewGuid():N}.onnx");
        Assert.Throws<FileNotFoundException>(() => Embedders.Onnx(missing, missing));
    }

    [Fact]
    public void AgentMemory_WithoutAnEmbedder_UsesTheCachedMiniLm_LoadedOnFirstUse()
    {
        using var directory = new TempDirectory("agentdb-embed-default");
        using AgentMemory memory = AgentMemory.Open(directory.Path);
        CachingEmbedder embedder = Assert.IsType<CachingEmbedder>(memory.Embedder);
        Assert.Equal("all-MiniLM-L6-v2", embedder.Name);
        Assert.Equal(384, embedder.Dimension);
        Assert.False(Assert.IsType<MiniLmEmbedder>(embedder.Inner).IsLoaded);
    }
}
