using System.Globalization;
using System.Text;

namespace AgentDb.Index.Segments;

/// <summary>
/// The list of a collection's live segment files in <c>segments.manifest</c>: a version line, then (version 2) the line
/// <c>lsn N</c> — the log position the segments reflect, as their owner declared it — then one file name a line.
/// Replaced whole (temporary file, fsync, rename, directory fsync), so a crash leaves the old list or the new one:
/// segment files it does not name are leftovers of an interrupted seal or compaction, deleted on the next open.
/// Version 1 files (no LSN line) are still read, with LSN 0.
/// </summary>
internal static class SegmentManifest
{
    public const string FileName = "segments.manifest";

    private const string VersionLine1 = "agentdb-segments 1";
    private const string VersionLine2 = "agentdb-segments 2";
    private const string LsnPrefix = "lsn ";

    /// <summary>Whether <paramref name="directory"/> holds a manifest.</summary>
    public static bool Exists(string directory) => File.Exists(Path.Combine(directory, FileName));

    /// <summary>Reads the manifest; an absent one is an empty list at LSN 0.</summary>
    /// <exception cref="InvalidDataException">The file is not a manifest of a known version, or a line is malformed; the message names file and line.</exception>
    public static (List<string> Names, long Lsn) Read(string directory)
    {
        string path = Path.Combine(directory, FileName);
        var names = new List<string>();
        if (!File.Exists(path))
        {
            return (names, 0);
        }

        string[] lines = File.ReadAllLines(path, Encoding.UTF8);
        int first;
        long lsn = 0;
        if (lines.Length > 0 && lines[0] == VersionLine1)
        {
            first = 1;
        }
        else if (lines.Length > 1 && lines[0] == VersionLine2)
        {
            if (!lines[1].StartsWith(LsnPrefix, StringComparison.Ordinal)
                || !long.TryParse(lines[1].AsSpan(LsnPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out lsn))
            {
                throw new InvalidDataException($"Manifest '{path}' line 2 is not 'lsn <number>': '{lines[1]}'.");
            }

            first = 2;
        }
        else
        {
            throw new InvalidDataException($"Manifest '{path}' does not start with '{VersionLine2}' (or '{VersionLine1}').");
        }

        for (int i = first; i < lines.Length; i++)
        {
            string name = lines[i];
            if (name.Length == 0)
            {
                continue;
            }

            if (name != Path.GetFileName(name))
            {
                throw new InvalidDataException($"Manifest '{path}' line {i + 1} is not a file name: '{name}'.");
            }

            names.Add(name);
        }

        return (names, lsn);
    }

    /// <summary>Replaces the manifest with <paramref name="segments"/> at <paramref name="lsn"/>, durably (file and directory fsynced).</summary>
    public static void Write(string directory, SealedSegment[] segments, long lsn)
    {
        var text = new StringBuilder(VersionLine2).Append('\n')
            .Append(LsnPrefix).Append(lsn.ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach (SealedSegment segment in segments)
        {
            text.Append(segment.Name).Append('\n');
        }

        string path = Path.Combine(directory, FileName);
        string temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(Encoding.UTF8.GetBytes(text.ToString()));
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
        DirectorySync.Flush(directory);
    }
}
