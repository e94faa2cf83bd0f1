using System.Text;

namespace AgentDb.Server.Bench.Ann.Embedding;

/// <summary>
/// Turns descriptions into a base set of <c>count</c> distinct texts and a held-out query set. Descriptions are
/// shuffled with the seed; the first <c>queries</c> become queries, and the rest fill the base whole. When they are
/// too few, the base is topped up with their paragraphs and synopses, then with their sentences, in the same order,
/// skipping anything already present: a fragment never repeats a base text or a query, and no query's fragments are
/// used. If even that falls short, the base is smaller than asked, and <see cref="TextCorpus"/> says so.
/// </summary>
internal static class TextCorpusBuilder
{
    /// <summary>Fragments shorter than this (in characters) carry too little meaning to be worth a vector.</summary>
    public const int MinFragmentLength = 24;

    /// <summary>Builds the corpus; texts longer than <paramref name="maxChars"/> are cut at a word boundary.</summary>
    public static TextCorpus Build(IReadOnlyList<PackageDescription> descriptions, int count, int queryCount, int seed, int maxChars)
    {
        ArgumentNullException.ThrowIfNull(descriptions);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(queryCount);
        if (descriptions.Count <= queryCount)
        {
            throw new ArgumentException($"{descriptions.Count} descriptions cannot give {queryCount} queries and a base set.", nameof(descriptions));
        }

        var order = descriptions.ToArray();
        new Random(seed).Shuffle(order);

        var used = new HashSet<string>(StringComparer.Ordinal);
        var queries = new List<string>(queryCount);
        int next = 0;
        for (; next < order.Length && queries.Count < queryCount; next++)
        {
            string text = Cut(order[next].FullText, maxChars);
            if (text.Length >= MinFragmentLength && used.Add(text))
            {
                queries.Add(text);
            }
        }

        ArraySegment<PackageDescription> remaining = new(order, next, order.Length - next);
        var baseTexts = new List<string>(count);
        int fromDescriptions = AddAll(remaining.Select(d => d.FullText), baseTexts, used, count, maxChars, minLength: 1);
        int fromParagraphs = AddAll(remaining.SelectMany(Paragraphs), baseTexts, used, count, maxChars, MinFragmentLength);
        int fromSentences = AddAll(remaining.SelectMany(d => d.Paragraphs.SelectMany(SplitSentences)), baseTexts, used, count, maxChars, MinFragmentLength);
        return new TextCorpus(baseTexts, queries, descriptions.Count, fromDescriptions, fromParagraphs, fromSentences);
    }

    /// <summary>
    /// Splits <paramref name="paragraph"/> after '.', '!' or '?' followed by a space and an upper-case letter or digit.
    /// Yields nothing for a single-sentence paragraph (it is already a paragraph unit).
    /// </summary>
    internal static IEnumerable<string> SplitSentences(string paragraph)
    {
        var sentences = new List<string>();
        int start = 0;
        for (int i = 0; i + 2 < paragraph.Length; i++)
        {
            if (paragraph[i] is '.' or '!' or '?' && paragraph[i + 1] == ' ' && (char.IsUpper(paragraph[i + 2]) || char.IsDigit(paragraph[i + 2])))
            {
                sentences.Add(paragraph[start..(i + 1)].Trim());
                start = i + 2;
            }
        }

        if (sentences.Count == 0)
        {
            return [];
        }

        sentences.Add(paragraph[start..].Trim());
        return sentences;
    }

    private static IEnumerable<string> Paragraphs(PackageDescription description)
    {
        // A one-paragraph description with a synopsis still splits into the two; a synopsis alone is already whole.
        if (description.Paragraphs.Count == 0)
        {
            yield break;
        }

        yield return description.Synopsis;
        foreach (string paragraph in description.Paragraphs)
        {
            yield return paragraph;
        }
    }

    private static int AddAll(IEnumerable<string> texts, List<string> target, HashSet<string> used, int count, int maxChars, int minLength)
    {
        int added = 0;
        foreach (string raw in texts)
        {
            if (target.Count >= count)
            {
                break;
            }

            string text = Cut(raw, maxChars);
            if (text.Length >= minLength && used.Add(text))
            {
                target.Add(text);
                added++;
            }
        }

        return added;
    }

    /// <summary>Collapses whitespace and cuts at the last space before <paramref name="maxChars"/>.</summary>
    internal static string Cut(string text, int maxChars)
    {
        var builder = new StringBuilder(Math.Min(text.Length, maxChars));
        bool space = false;
        foreach (char c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                space = builder.Length > 0;
                continue;
            }

            if (space)
            {
                builder.Append(' ');
                space = false;
            }

            builder.Append(c);
            if (builder.Length >= maxChars)
            {
                break;
            }
        }

        if (builder.Length >= maxChars)
        {
            string cut = builder.ToString(0, maxChars);
            int lastSpace = cut.LastIndexOf(' ');
            return lastSpace > maxChars / 2 ? cut[..lastSpace] : cut;
        }

        return builder.ToString();
    }
}
