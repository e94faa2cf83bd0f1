using System.Globalization;
using System.Text;
using AgentDb.Index.Segments;

namespace AgentDb;

/// <summary>
/// The epochs a database's log went through, oldest first, persisted beside the log in <c>DIR/epochs</c> (the log
/// itself is truncated at checkpoints; this file is not). Text: a magic line <c>agentdb-epochs 1</c>, then one
/// <c>epoch startLsn</c> line per epoch, both increasing. Rewritten whole (temporary file, fsync, rename) when an epoch
/// begins, which is rare. Not thread-safe: the database guards it.
/// </summary>
internal sealed class EpochHistory
{
    public const string FileName = "epochs";
    private const string Magic = "agentdb-epochs 1";

    private readonly string _directory;
    private readonly List<EpochStart> _entries;

    private EpochHistory(string directory, List<EpochStart> entries)
    {
        _directory = directory;
        _entries = entries;
    }

    public IReadOnlyList<EpochStart> Entries => _entries;

    /// <summary>The latest epoch, 0 when none began yet.</summary>
    public long Current => _entries.Count == 0 ? 0 : _entries[^1].Epoch;

    /// <summary>Reads <c>DIR/epochs</c> (none: empty), dropping epochs that start above <paramref name="lastLsn"/> (a log tail lost in a crash).</summary>
    /// <exception cref="InvalidDataException">The file is malformed; the message names it and the line.</exception>
    public static EpochHistory Load(string directory, long lastLsn)
    {
        var entries = new List<EpochStart>();
        string file = Path.Combine(directory, FileName);
        if (File.Exists(file))
        {
            string[] lines = File.ReadAllLines(file);
            if (lines.Length == 0 || lines[0] != Magic)
            {
                throw new InvalidDataException($"The epoch history '{file}' does not start with '{Magic}'.");
            }

            for (int i = 1; i < lines.Length; i++)
            {
                if (lines[i].Length == 0)
                {
                    continue;
                }

                string[] parts = lines[i].Split(' ');
                if (parts.Length != 2
                    || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out long epoch)
                    || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long start)
                    || epoch < 1 || start < 1
                    || (entries.Count > 0 && (epoch <= entries[^1].Epoch || start <= entries[^1].StartLsn)))
                {
                    throw new InvalidDataException($"The epoch history '{file}' line {i + 1} is not 'epoch startLsn' above the line before: '{lines[i]}'.");
                }

                if (start <= lastLsn)
                {
                    entries.Add(new EpochStart(epoch, start));
                }
            }
        }

        return new EpochHistory(directory, entries);
    }

    /// <summary>Records that <paramref name="epoch"/> began at <paramref name="startLsn"/> (idempotent: a replayed marker, the latest or an older one, changes nothing) and persists the history.</summary>
    /// <exception cref="InvalidDataException">The epoch or its LSN is not above the latest one.</exception>
    public void Record(long epoch, long startLsn)
    {
        if (_entries.Count > 0)
        {
            // A replay after a restart applies the markers above the store's applied LSN again, older ones included.
            foreach (EpochStart known in _entries)
            {
                if (known.Epoch == epoch && known.StartLsn == startLsn)
                {
                    return;
                }
            }

            EpochStart last = _entries[^1];

            if (epoch <= last.Epoch || startLsn <= last.StartLsn)
            {
                throw new InvalidDataException(
                    $"Epoch {epoch} at LSN {startLsn} does not follow epoch {last.Epoch} at LSN {last.StartLsn} in '{Path.Combine(_directory, FileName)}'.");
            }
        }

        _entries.Add(new EpochStart(epoch, startLsn));
        Write(Path.Combine(_directory, FileName), _entries.Count);
    }

    /// <summary>
    /// The last LSN of <paramref name="epoch"/> (or of the latest epoch below it) in this history: the LSN before the
    /// first later epoch's start; <paramref name="lastLsn"/> when no later epoch began.
    /// </summary>
    public long EndOf(long epoch, long lastLsn)
    {
        foreach (EpochStart entry in _entries)
        {
            if (entry.Epoch > epoch)
            {
                return entry.StartLsn - 1;
            }
        }

        return lastLsn;
    }

    /// <summary>The epoch the entry at <paramref name="lsn"/> belongs to (0 before the first epoch).</summary>
    public long EpochAt(long lsn)
    {
        long epoch = 0;
        foreach (EpochStart entry in _entries)
        {
            if (entry.StartLsn > lsn)
            {
                break;
            }

            epoch = entry.Epoch;
        }

        return epoch;
    }

    /// <summary>Writes the epochs that start at or below <paramref name="upToLsn"/> to <paramref name="file"/> (a snapshot's copy).</summary>
    public void WriteTo(string file, long upToLsn)
    {
        int count = 0;
        while (count < _entries.Count && _entries[count].StartLsn <= upToLsn)
        {
            count++;
        }

        Write(file, count);
    }

    private void Write(string file, int count)
    {
        var text = new StringBuilder(Magic).Append('\n');
        for (int i = 0; i < count; i++)
        {
            text.Append(_entries[i].Epoch.ToString(CultureInfo.InvariantCulture)).Append(' ')
                .Append(_entries[i].StartLsn.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        string temporary = file + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(Encoding.ASCII.GetBytes(text.ToString()));
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, file, overwrite: true);
        DirectorySync.Flush(Path.GetDirectoryName(Path.GetFullPath(file))!);
    }
}
