namespace AgentDb.Index.Segments;

/// <summary>
/// A segment file is not what <see cref="SegmentWriter"/> writes: truncated, of another format or version, or with a
/// checksum or a value out of range. Names the file, the part of it and the byte offset where the fault was seen.
/// </summary>
public sealed class SegmentCorruptedException : IOException
{
    /// <summary>Creates the exception; the message is built from the arguments.</summary>
    /// <param name="path">The segment file.</param>
    /// <param name="block">The block at fault, or null for the header.</param>
    /// <param name="offset">The byte offset in the file where the fault was seen.</param>
    /// <param name="reason">What is wrong.</param>
    public SegmentCorruptedException(string path, SegmentBlock? block, long offset, string reason)
        : base($"Segment file '{path}' is corrupted in the {(block is { } b ? b + " block" : "header")} at offset {offset}: {reason}")
    {
        Path = path;
        Block = block;
        Offset = offset;
        Reason = reason;
    }

    /// <summary>The segment file.</summary>
    public string Path { get; }

    /// <summary>The block at fault, or null for the header.</summary>
    public SegmentBlock? Block { get; }

    /// <summary>The byte offset in the file where the fault was seen.</summary>
    public long Offset { get; }

    /// <summary>What is wrong, without the file and place.</summary>
    public string Reason { get; }
}
