namespace AgentDb.Index.Segments;

/// <summary>An immutable segment of a collection with the log of the deletes made in it since it was written.</summary>
internal sealed class SealedSegment(string name, ImmutableSegment segment, TombstoneLog tombstones) : IDisposable
{
    /// <summary>The segment's file name in the collection's directory.</summary>
    public string Name { get; } = name;

    public ImmutableSegment Segment { get; } = segment;

    public TombstoneLog Tombstones { get; } = tombstones;

    /// <summary>Opens the segment file <paramref name="name"/> in <paramref name="directory"/> and replays its tombstones.</summary>
    public static SealedSegment Open(string directory, string name)
    {
        string path = Path.Combine(directory, name);
        ImmutableSegment segment = ImmutableSegment.Open(path);
        try
        {
            TombstoneLog tombstones = TombstoneLog.Open(TombstonePath(path));
            foreach (long id in tombstones.Ids)
            {
                segment.MarkDeleted(id);
            }

            return new SealedSegment(name, segment, tombstones);
        }
        catch
        {
            segment.Dispose();
            throw;
        }
    }

    public static string TombstonePath(string segmentPath) => segmentPath + ".deleted";

    /// <summary>Deletes the id here if live, logging it; false if it is not live here.</summary>
    public bool Delete(long id)
    {
        if (!Segment.MarkDeleted(id))
        {
            return false;
        }

        Tombstones.Append(id);
        return true;
    }

    public void Dispose()
    {
        Tombstones.Dispose();
        Segment.Dispose();
    }
}
