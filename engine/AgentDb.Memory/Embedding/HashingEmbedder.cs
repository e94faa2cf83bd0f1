using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace AgentDb.Memory.Embedding;

/// <summary>
/// A fast, model-free embedder for callers who want speed over semantics: feature hashing of the text's words, word
/// bigrams and character 3-grams into a fixed number of signed dimensions, L2-normalised. Texts that share words (or
/// pieces of words) are near; synonyms are not. Deterministic: the same text gives the same vector in every process
/// and on every machine (XxHash3 with fixed seeds over the UTF-16 code units in little-endian order).
/// </summary>
/// <remarks>
/// The text is lower-cased (invariant culture) and cut into words at every character that is not a letter or a digit.
/// Each word adds weight 1 to one dimension, each pair of adjacent words 0.7, and each character 3-gram of the word
/// padded with a boundary mark on both sides 0.4; the dimension and the sign (+/-) come from the feature's hash, so
/// collisions cancel out on average instead of piling up. A text without words maps to one fixed unit vector.
/// Vectors depend only on the text, the dimension and the Unicode tables of the .NET version (for case and letters).
/// </remarks>
public sealed class HashingEmbedder : IEmbedder
{
    /// <summary>The dimension used when none is given.</summary>
    public const int DefaultDimension = 384;

    /// <summary>The largest dimension accepted.</summary>
    public const int MaxDimension = 65_536;

    private const float WordWeight = 1.0f;
    private const float BigramWeight = 0.7f;
    private const float TrigramWeight = 0.4f;

    // One seed per kind of feature, so a word and a 3-gram with the same characters land in different dimensions.
    private const long WordSeed = 0x5741_4F52_4453L;
    private const long BigramSeed = 0x4249_4752_414DL;
    private const long TrigramSeed = 0x5452_4947_524DL;
    private const long EmptySeed = 0x454D_5054_5921L;

    private const int StackChars = 512;

    /// <summary>Creates a hashing embedder of <paramref name="dimension"/> dimensions.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> is below 2 or above <see cref="MaxDimension"/>.</exception>
    public HashingEmbedder(int dimension = DefaultDimension)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dimension, MaxDimension);
        Dimension = dimension;
        Name = $"hashing-{dimension}";
    }

    /// <summary>"hashing-" and the dimension, e.g. "hashing-384": vectors of two dimensions are not comparable.</summary>
    public string Name { get; }

    /// <inheritdoc/>
    public int Dimension { get; }

    /// <inheritdoc/>
    public void Embed(string text, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(text);
        EmbeddingArguments.CheckDestination(destination, 1, Dimension);
        EmbedCore(text, destination);
    }

    /// <inheritdoc/>
    public void EmbedBatch(IReadOnlyList<string> texts, Span<float> destination)
    {
        EmbeddingArguments.CheckBatch(texts, destination, Dimension);
        int dimension = Dimension;
        for (int i = 0; i < texts.Count; i++)
        {
            EmbedCore(texts[i], destination.Slice(i * dimension, dimension));
        }
    }

    /// <summary>Nothing to release.</summary>
    public void Dispose()
    {
    }

    private static void EmbedCore(string text, Span<float> destination)
    {
        destination.Clear();

        // The normalised text: " word word word " — lower-case words separated by single spaces, with a space at
        // both ends. A word's padded 3-grams and a bigram are then contiguous slices of it. Each input char gives at
        // most one char, plus the two end spaces.
        int capacity = text.Length + 2;
        char[]? rented = null;
        Span<char> buffer = capacity <= StackChars ? stackalloc char[StackChars] : (rented = ArrayPool<char>.Shared.Rent(capacity));
        try
        {
            int length = Normalize(text, buffer);
            AddFeatures(buffer[..length], destination);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }

        Scale(destination);
    }

    private static int Normalize(string text, Span<char> buffer)
    {
        int length = 0;
        buffer[length++] = ' ';
        foreach (char c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                buffer[length++] = char.ToLowerInvariant(c);
            }
            else if (buffer[length - 1] != ' ')
            {
                buffer[length++] = ' ';
            }
        }

        if (buffer[length - 1] != ' ')
        {
            buffer[length++] = ' ';
        }

        return length;
    }

    private static void AddFeatures(ReadOnlySpan<char> text, Span<float> destination)
    {
        int previousStart = -1;
        int words = 0;
        int i = 1;
        while (i < text.Length)
        {
            int start = i;
            int end = text[start..].IndexOf(' ') + start;
            if (end == start)
            {
                break;
            }

            words++;
            Add(text[start..end], WordSeed, WordWeight, destination);
            if (previousStart >= 0)
            {
                // The previous word, the single space, this word.
                Add(text[previousStart..end], BigramSeed, BigramWeight, destination);
            }

            // 3-grams of " word ": from the space before the word to the space after it.
            for (int g = start - 1; g + 3 <= end + 1; g++)
            {
                Add(text.Slice(g, 3), TrigramSeed, TrigramWeight, destination);
            }

            previousStart = start;
            i = end + 1;
        }

        if (words == 0)
        {
            Add([], EmptySeed, 1f, destination);
        }
    }

    private static void Add(ReadOnlySpan<char> feature, long seed, float weight, Span<float> destination)
    {
        ulong hash = Hash(feature, seed);

        // The low 32 bits pick the dimension (multiply-shift, no modulo bias worth the name); the top bit the sign.
        int index = (int)(((hash & 0xFFFF_FFFFUL) * (ulong)destination.Length) >> 32);
        destination[index] += (hash >> 63) == 0 ? weight : -weight;
    }

    private static ulong Hash(ReadOnlySpan<char> feature, long seed)
    {
        if (BitConverter.IsLittleEndian)
        {
            return XxHash3.HashToUInt64(MemoryMarshal.AsBytes(feature), seed);
        }

        // Hash the little-endian bytes on a big-endian machine too, so vectors are the same everywhere.
        ushort[] swapped = ArrayPool<ushort>.Shared.Rent(feature.Length);
        try
        {
            Span<ushort> units = swapped.AsSpan(0, feature.Length);
            BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<char, ushort>(feature), units);
            return XxHash3.HashToUInt64(MemoryMarshal.AsBytes((ReadOnlySpan<ushort>)units), seed);
        }
        finally
        {
            ArrayPool<ushort>.Shared.Return(swapped);
        }
    }

    private static void Scale(Span<float> vector)
    {
        double sum = 0;
        foreach (float v in vector)
        {
            sum += (double)v * v;
        }

        if (sum == 0)
        {
            // Every feature cancelled out (possible only for tiny dimensions): fall back to the fixed unit vector.
            Add([], EmptySeed, 1f, vector);
            return;
        }

        float scale = (float)(1.0 / Math.Sqrt(sum));
        for (int i = 0; i < vector.Length; i++)
        {
            vector[i] *= scale;
        }
    }
}
