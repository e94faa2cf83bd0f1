using BERTTokenizers.Base;

namespace AgentDb.Memory.Embedding;

/// <summary>
/// Any local sentence-transformer exported to ONNX (a BERT-style encoder with a WordPiece <c>vocab.txt</c>), run on
/// the CPU through ONNX Runtime: tokenise, run, mean-pool the token embeddings over the attention mask (or take the
/// export's pooled <c>sentence_embedding</c> output), L2-normalise. Nothing is downloaded: both files are local.
/// </summary>
/// <remarks>
/// The model loads in the constructor, so a missing file, a file that is not an ONNX model, a model with inputs other
/// than <c>input_ids</c>/<c>attention_mask</c>/<c>token_type_ids</c>, or a dimension other than the expected one fails
/// there, before anything is stored. Texts are truncated to 512 tokens (the package tokenizer's window). Thread-safe.
/// </remarks>
public sealed class OnnxEmbedder : IEmbedder
{
    private static readonly string[] s_requiredTokens = ["[CLS]", "[SEP]", "[UNK]"];

    private readonly SentenceOnnxModel _model;

    /// <summary>Loads the model at <paramref name="modelPath"/> with the vocabulary at <paramref name="vocabularyPath"/>.</summary>
    /// <param name="modelPath">The ONNX file (e.g. <c>model.onnx</c> of a sentence-transformers export).</param>
    /// <param name="vocabularyPath">The model's WordPiece vocabulary, one token per line (<c>vocab.txt</c>).</param>
    /// <param name="expectedDimension">
    /// When given (the dimension of the collection the vectors are for), the model must produce vectors of exactly
    /// this length.
    /// </param>
    /// <param name="options">Name, case, threads and batch size; defaults when null.</param>
    /// <exception cref="FileNotFoundException">The model or the vocabulary file does not exist.</exception>
    /// <exception cref="InvalidDataException">
    /// The model file is not a loadable ONNX model or not a sentence-transformer (unknown inputs, no float output of
    /// rank 2 or 3), or the vocabulary lacks [CLS], [SEP] or [UNK].
    /// </exception>
    /// <exception cref="ArgumentException">The model's output dimension is not <paramref name="expectedDimension"/>.</exception>
    public OnnxEmbedder(string modelPath, string vocabularyPath, int? expectedDimension = null, OnnxEmbedderOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(vocabularyPath);
        options ??= new OnnxEmbedderOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Threads, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatchSize, 1, nameof(options));
        if (expectedDimension is int expected)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(expected, 1, nameof(expectedDimension));
        }

        string model = Path.GetFullPath(modelPath);
        string vocabulary = Path.GetFullPath(vocabularyPath);
        if (!File.Exists(model))
        {
            throw new FileNotFoundException($"The ONNX model file {model} does not exist.", model);
        }

        if (!File.Exists(vocabulary))
        {
            throw new FileNotFoundException($"The vocabulary file {vocabulary} (the model's vocab.txt) does not exist.", vocabulary);
        }

        Name = string.IsNullOrWhiteSpace(options.Name) ? "onnx:" + Path.GetFileNameWithoutExtension(model) : options.Name;
        ModelPath = model;
        TokenizerBase tokenizer = LoadTokenizer(vocabulary, options.CaseSensitive);
        _model = SentenceOnnxModel.Load(model, tokenizer, model, options.Threads, options.MaxBatchSize, expectedDimension);
        Dimension = _model.Dimension;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>The length of the model's vectors, read from the model.</summary>
    public int Dimension { get; }

    /// <summary>The full path of the model file.</summary>
    public string ModelPath { get; }

    /// <summary>Whether a batch has created the second, one-thread session of parallel batches (for tests).</summary>
    internal bool HasBatchSession => _model.HasBatchSession;

    /// <inheritdoc/>
    public void Embed(string text, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(text);
        EmbeddingArguments.CheckDestination(destination, 1, Dimension);
        _model.EmbedBatch([text], destination);
    }

    /// <inheritdoc/>
    public void EmbedBatch(IReadOnlyList<string> texts, Span<float> destination)
    {
        EmbeddingArguments.CheckBatch(texts, destination, Dimension);
        _model.EmbedBatch(texts, destination);
    }

    /// <inheritdoc/>
    public void Dispose() => _model.Dispose();

    private static TokenizerBase LoadTokenizer(string path, bool caseSensitive)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var present = new HashSet<string>(StringComparer.Ordinal);
        using (var reader = new StreamReader(new MemoryStream(bytes)))
        {
            while (reader.ReadLine() is string line)
            {
                if (line.Length > 0 && line[0] == '[')
                {
                    present.Add(line.Trim());
                }
            }
        }

        foreach (string token in s_requiredTokens)
        {
            if (!present.Contains(token))
            {
                throw new InvalidDataException($"The vocabulary file {path} has no {token} token: it is not a BERT WordPiece vocab.txt.");
            }
        }

        var stream = new MemoryStream(bytes, writable: false);
        return caseSensitive ? new CasedVocabulary(stream) : new UncasedVocabulary(stream);
    }

    /// <summary>The package's lower-casing WordPiece tokenizer over a vocabulary file.</summary>
    private sealed class UncasedVocabulary(Stream vocabulary) : UncasedTokenizer(vocabulary);

    /// <summary>The package's case-keeping WordPiece tokenizer over a vocabulary file.</summary>
    private sealed class CasedVocabulary(Stream vocabulary) : CasedTokenizer(vocabulary);
}
