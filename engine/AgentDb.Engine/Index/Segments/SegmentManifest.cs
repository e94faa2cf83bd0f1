using System.Text;

namespace AgentDb.Index.Segments;

/// <summary>
/// The list of a collection's live segment files, one name a line after a version line, in <c>segments.manifest</c>.
/// Replaced whole (temporary file, fsync, rename), so a crash leaves the old list or the new one: segment files it
/// does not name are leftovers of an interrupted seal or compaction, deleted on the next open.
/// </summary>
internal static class SegmentManifest
{
    public const string FileName = "segments.manifest";

    private const string VersionLine = "agentdb-segments 1";

    public static List<string> Read(string directory)
    {
        string path = Path.Combine(directory, FileName);
        var names = new List<string>();
        if (!File.Exists(path))
        {
            return names;
        }

        string[] lines = File.ReadAllLines(path, Encoding.UTF8);
        if (lines.Length == 0 || lines[0] != VersionLine)
        {
            throw new InvalidDataException($"Manifest '{path}' does not start with '{VersionLine}'.");
        }

        for (int i = 1; i < lines.Length; i++)
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

        return names;
    }

    public static void Write(string directory, SealedSegment[] segments)
    {
        var text = new StringBuilder(VersionLine).Append('\n');
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
    }
}
