using System.Diagnostics;
using System.IO.Compression;
using System.Text;

namespace AgentDb.Server.Bench.Ann.Embedding;

/// <summary>
/// Reads the English package descriptions apt keeps on disk: the <c>Description</c> fields of the
/// <c>*_Packages</c> indexes (synopses only, on current Debian) and the <c>Description-en</c> fields of the
/// <c>*_i18n_Translation-en</c> files (synopsis and long description; present once apt has fetched them, e.g. with
/// <c>apt-get update -o Acquire::Languages=en</c>). Compressed lists are read through apt's own
/// <c>apt-helper cat-file</c>, which knows every compression apt writes; gzip is also read directly.
/// </summary>
/// <remarks>
/// Descriptions are deduplicated by their <c>Description-md5</c> (shared by a package's index entry and its
/// translation), keeping the fullest text, and then by text. The order is that of the files sorted by name and of
/// their entries, so the same lists always give the same sequence.
/// </remarks>
internal static class AptDescriptionReader
{
    /// <summary>Where apt keeps its lists.</summary>
    public const string DefaultListsDirectory = "/var/lib/apt/lists";

    /// <summary>apt's helper that decompresses any list format apt uses.</summary>
    public const string AptHelper = "/usr/lib/apt/apt-helper";

    /// <summary>Every distinct description in the lists of <paramref name="listsDirectory"/>.</summary>
    /// <param name="listsDirectory">apt's list directory, normally <see cref="DefaultListsDirectory"/>.</param>
    /// <param name="log">Receives one line per file read.</param>
    /// <exception cref="IOException">The directory holds no list, or a list cannot be read.</exception>
    public static IReadOnlyList<PackageDescription> Read(string listsDirectory, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (!Directory.Exists(listsDirectory))
        {
            throw new IOException($"{listsDirectory} does not exist: is this a Debian system with apt lists? (run apt-get update)");
        }

        string[] files = Directory.GetFiles(listsDirectory)
            .Where(IsDescriptionList)
            .Order(StringComparer.Ordinal)
            .ToArray();
        if (files.Length == 0)
        {
            throw new IOException($"{listsDirectory} holds no *_Packages or *_Translation-en list: run apt-get update first.");
        }

        var byKey = new Dictionary<string, int>(StringComparer.Ordinal);
        var descriptions = new List<PackageDescription>();
        foreach (string file in files)
        {
            int before = descriptions.Count;
            int entries = 0;
            foreach ((string? md5, PackageDescription description) in ParseStanzas(OpenText(file)))
            {
                entries++;
                string key = md5 ?? description.FullText;
                if (byKey.TryGetValue(key, out int existing))
                {
                    if (description.FullText.Length > descriptions[existing].FullText.Length)
                    {
                        descriptions[existing] = description;
                    }
                }
                else
                {
                    byKey.Add(key, descriptions.Count);
                    descriptions.Add(description);
                }
            }

            log.WriteLine($"apt: {Path.GetFileName(file)}: {entries} descriptions, {descriptions.Count - before} new");
        }

        // Different md5 keys can still carry the same text (e.g. re-encoded duplicates): dedupe on the text too.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return descriptions.Where(d => seen.Add(d.FullText)).ToList();
    }

    /// <summary>Whether <paramref name="path"/> is an index or English translation list (any compression).</summary>
    internal static bool IsDescriptionList(string path)
    {
        string name = Path.GetFileName(path);
        string stem = StripCompression(name);
        return stem.EndsWith("_Packages", StringComparison.Ordinal) || stem.EndsWith("_Translation-en", StringComparison.Ordinal);
    }

    /// <summary>
    /// Parses RFC 822-style stanzas and yields, for each with a <c>Description</c> or <c>Description-en</c> field,
    /// its <c>Description-md5</c> (if any) and the description.
    /// </summary>
    internal static IEnumerable<(string? Md5, PackageDescription Description)> ParseStanzas(TextReader reader)
    {
        using (reader)
        {
            string? md5 = null;
            string? synopsis = null;
            var paragraphs = new List<string>();
            var paragraph = new StringBuilder();
            bool inDescription = false;
            string? line;
            while (true)
            {
                line = reader.ReadLine();
                if (line is null || line.Length == 0)
                {
                    if (synopsis is not null)
                    {
                        FlushParagraph(paragraph, paragraphs);
                        yield return (md5, new PackageDescription(synopsis, paragraphs.ToArray()));
                    }

                    md5 = null;
                    synopsis = null;
                    paragraphs.Clear();
                    paragraph.Clear();
                    inDescription = false;
                    if (line is null)
                    {
                        yield break;
                    }

                    continue;
                }

                if (line[0] is ' ' or '\t')
                {
                    if (!inDescription)
                    {
                        continue;
                    }

                    string content = line.Trim();
                    if (content == ".")
                    {
                        FlushParagraph(paragraph, paragraphs);
                    }
                    else if (content.Length > 0)
                    {
                        if (paragraph.Length > 0)
                        {
                            paragraph.Append(' ');
                        }

                        paragraph.Append(content);
                    }

                    continue;
                }

                inDescription = false;
                int colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon <= 0)
                {
                    continue;
                }

                string field = line[..colon];
                string value = line[(colon + 1)..].Trim();
                if (field is "Description" or "Description-en")
                {
                    synopsis = value;
                    inDescription = true;
                }
                else if (field == "Description-md5")
                {
                    md5 = value;
                }
            }
        }
    }

    private static void FlushParagraph(StringBuilder paragraph, List<string> paragraphs)
    {
        if (paragraph.Length > 0)
        {
            paragraphs.Add(paragraph.ToString());
            paragraph.Clear();
        }
    }

    private static string StripCompression(string name)
    {
        foreach (string extension in (string[])[".lz4", ".gz", ".xz", ".zst", ".bz2", ".lzma"])
        {
            if (name.EndsWith(extension, StringComparison.Ordinal))
            {
                return name[..^extension.Length];
            }
        }

        return name;
    }

    private static TextReader OpenText(string path)
    {
        string name = Path.GetFileName(path);
        if (StripCompression(name) == name)
        {
            return new StreamReader(path, Encoding.UTF8);
        }

        if (File.Exists(AptHelper))
        {
            return Decompress(path);
        }

        if (name.EndsWith(".gz", StringComparison.Ordinal))
        {
            return new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress), Encoding.UTF8);
        }

        throw new IOException($"{path} is compressed and {AptHelper} is missing to read it.");
    }

    /// <summary>Decompresses with apt-helper into memory (a list is tens of MB at most), so a failure is seen whole.</summary>
    private static StringReader Decompress(string path)
    {
        var start = new ProcessStartInfo(AptHelper)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add("cat-file");
        start.ArgumentList.Add(path);
        using var process = Process.Start(start) ?? throw new IOException($"could not start {AptHelper}.");
        Task<string> errors = process.StandardError.ReadToEndAsync();
        string text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new IOException($"{AptHelper} cat-file {path} failed with status {process.ExitCode}: {errors.Result.Trim()}");
        }

        return new StringReader(text);
    }
}
