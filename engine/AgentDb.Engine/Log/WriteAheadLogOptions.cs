namespace AgentDb.Log;

/// <summary>Settings of a <see cref="FasterLogWriteAheadLog"/>.</summary>
public sealed class WriteAheadLogOptions
{
    /// <summary>When appends are acknowledged; see <see cref="DurabilityMode"/>. Default <see cref="DurabilityMode.Group"/>.</summary>
    public DurabilityMode Durability { get; init; } = DurabilityMode.Group;

    /// <summary>The period of the background group commit (default 2 ms). Must be between 0.1 ms and 10 s.</summary>
    public TimeSpan GroupCommitInterval { get; init; } = TimeSpan.FromMilliseconds(2);

    /// <summary>
    /// The smallest LSN the next append may receive (default 1). The owner passes its applied LSN + 1 so that LSNs never go
    /// backwards when the log lost entries that were already applied elsewhere (a crash in <see cref="DurabilityMode.None"/>).
    /// </summary>
    public long MinimumNextLsn { get; init; } = 1;

    /// <summary>log2 of the log page size (default 22: 4 MiB). One entry must fit in a page.</summary>
    public int PageSizeBits { get; init; } = 22;

    /// <summary>log2 of the in-memory log buffer (default 24: 16 MiB, four pages).</summary>
    public int MemorySizeBits { get; init; } = 24;

    /// <summary>log2 of the size of one segment file (default 26: 64 MiB); truncation deletes whole segments.</summary>
    public int SegmentSizeBits { get; init; } = 26;

    /// <summary>
    /// Receives warnings (a torn tail cut at open, for example). Null discards them. Called on the thread that caused them.
    /// </summary>
    public Action<string>? Warning { get; init; }

    /// <summary>
    /// Whether the segment files are written with <c>O_DIRECT</c> where the file system allows it (default true; see
    /// <see cref="DirectLogDevice"/>). False writes them through the page cache with write-through, as FASTER's own device.
    /// </summary>
    public bool DirectIo { get; init; } = true;

    /// <summary>
    /// For the benchmark's comparison: FASTER's own commit manager (a new commit file per commit, the one before last
    /// deleted) instead of <see cref="InPlaceLogCommitManager"/>. Default false.
    /// </summary>
    internal bool FasterCommitFiles { get; init; }
}
