using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using AgentDb.Memory.Embedding;

namespace AgentDb.Server.Hosting;

/// <summary>
/// Which embedder <c>serve</c> gives the agent memory, from <c>--embedder</c>, <c>AGENTDB_EMBEDDER</c> or the config
/// file's <c>embedder</c>: <c>minilm</c> (the default: all-MiniLM-L6-v2, 384 dimensions, loaded on first use),
/// <c>hashing</c> or <c>hashing-DIM</c> (feature hashing, no model; DIM 2–65536, default 384) or
/// <c>onnx:MODEL_PATH:VOCAB_PATH</c> (a local sentence-transformer ONNX file and its vocab.txt, loaded at start).
/// A memory directory keeps the embedder it was created with; serving it with another is refused.
/// </summary>
/// <param name="Kind">Which embedder.</param>
/// <param name="Dimension">The hashing embedder's dimension (384 for MiniLM; 0 for ONNX: the model's).</param>
/// <param name="ModelPath">The ONNX model file (ONNX only).</param>
/// <param name="VocabularyPath">The vocab.txt (ONNX only).</param>
internal sealed record EmbedderSpec(EmbedderKind Kind, int Dimension, string? ModelPath = null, string? VocabularyPath = null)
{
    private const string OnnxPrefix = "onnx:";
    private const string HashingName = "hashing";

    /// <summary>The default: MiniLM, loaded lazily.</summary>
    public static EmbedderSpec MiniLm { get; } = new(EmbedderKind.MiniLm, MiniLmEmbedder.ModelDimension);

    /// <summary>Parses a value; on failure <paramref name="error"/> says what is accepted.</summary>
    public static bool TryParse(string value, [NotNullWhen(true)] out EmbedderSpec? spec, [NotNullWhen(false)] out string? error)
    {
        spec = null;
        error = null;
        if (string.Equals(value, "minilm", StringComparison.OrdinalIgnoreCase))
        {
            spec = MiniLm;
            return true;
        }
        if (string.Equals(value, HashingName, StringComparison.OrdinalIgnoreCase))
        {
            spec = new EmbedderSpec(EmbedderKind.Hashing, HashingEmbedder.DefaultDimension);
            return true;
        }
        if (value.StartsWith(HashingName + "-", StringComparison.OrdinalIgnoreCase))
        {
            var digits = value.AsSpan(HashingName.Length + 1);
            if (digits.Length is > 0 and <= 6 && !digits.ContainsAnyExceptInRange('0', '9')
                && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var dimension)
                && dimension is >= 2 and <= HashingEmbedder.MaxDimension)
            {
                spec = new EmbedderSpec(EmbedderKind.Hashing, dimension);
                return true;
            }
            error = $"the hashing dimension must be a whole number from 2 to {HashingEmbedder.MaxDimension}";
            return false;
        }
        if (value.StartsWith(OnnxPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var paths = value[OnnxPrefix.Length..];
            var separator = FindPathSeparator(paths);
            if (separator <= 0 || separator == paths.Length - 1)
            {
                error = "expected onnx:MODEL_PATH:VOCAB_PATH";
                return false;
            }
            spec = new EmbedderSpec(EmbedderKind.Onnx, 0, paths[..separator], paths[(separator + 1)..]);
            return true;
        }
        error = "expected minilm, hashing, hashing-DIM or onnx:MODEL_PATH:VOCAB_PATH";
        return false;
    }

    /// <summary>Creates the embedder. MiniLM loads on first use; an ONNX model loads now.</summary>
    /// <exception cref="FileNotFoundException">An ONNX file is missing.</exception>
    /// <exception cref="InvalidDataException">The ONNX file or vocabulary is not usable.</exception>
    public IEmbedder Create() => Kind switch
    {
        EmbedderKind.Hashing => Embedders.Hashing(Dimension),
        EmbedderKind.Onnx => Embedders.Onnx(ModelPath!, VocabularyPath!),
        _ => Embedders.Default(),
    };

    /// <summary>The value as it would be written on the command line.</summary>
    public override string ToString() => Kind switch
    {
        EmbedderKind.Hashing => $"{HashingName}-{Dimension.ToString(CultureInfo.InvariantCulture)}",
        EmbedderKind.Onnx => $"{OnnxPrefix}{ModelPath}:{VocabularyPath}",
        _ => "minilm",
    };

    /// <summary>The colon between the two paths: one not part of a Windows drive letter (<c>C:\</c>, <c>C:/</c>).</summary>
    private static int FindPathSeparator(string paths)
    {
        var found = -1;
        for (var i = 0; i < paths.Length; i++)
        {
            if (paths[i] != ':')
            {
                continue;
            }
            var startsPath = i == 1 || (i >= 2 && paths[i - 2] == ':');
            var isDrive = startsPath && char.IsAsciiLetter(paths[i - 1]) && i + 1 < paths.Length && paths[i + 1] is '\\' or '/';
            if (!isDrive)
            {
                if (found >= 0)
                {
                    return -1;
                }
                found = i;
            }
        }
        return found;
    }
}
