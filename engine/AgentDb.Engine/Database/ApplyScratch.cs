using AgentDb.Storage;

namespace AgentDb;

/// <summary>
/// One log entry's decoded writes and the store's outcomes for them, kept from the entry's store stage to its index
/// stage (see <see cref="ApplySequencer"/>), with the scratch of its vector runs. Reused across entries; grown, never shrunk.
/// </summary>
internal sealed class ApplyScratch
{
    /// <summary>The decoded writes (their memory points into the entry's buffer).</summary>
    public RecordWrite[] Writes = new RecordWrite[16];

    /// <summary>What the store did for each write.</summary>
    public RecordWriteOutcome[] Outcomes = new RecordWriteOutcome[16];

    /// <summary>A run of vector upserts to one collection's index: internal ids.</summary>
    public long[] RunIds = new long[16];

    /// <summary>A run of vector upserts to one collection's index: the vectors.</summary>
    public ReadOnlyMemory<byte>[] RunVectors = new ReadOnlyMemory<byte>[16];
}
