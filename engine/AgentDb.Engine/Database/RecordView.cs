using System.Runtime.InteropServices;

namespace AgentDb;

/// <summary>
/// One stored record seen in place, without copies: spans over the database's read buffer, valid only during the
/// <see cref="IRecordVisitor.Visit"/> call that receives it (see <see cref="AgentDatabase.TryRead{TVisitor}"/>).
/// </summary>
public readonly ref struct RecordView
{
    internal RecordView(ReadOnlySpan<byte> idUtf8, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> vectorBytes, long createdUnixMs, long updatedUnixMs, long lsn)
    {
        IdUtf8 = idUtf8;
        Payload = payload;
        VectorBytes = vectorBytes;
        CreatedUnixMs = createdUnixMs;
        UpdatedUnixMs = updatedUnixMs;
        Lsn = lsn;
    }

    /// <summary>The record's id, UTF-8.</summary>
    public ReadOnlySpan<byte> IdUtf8 { get; }

    /// <summary>The payload bytes exactly as written; empty when there is none.</summary>
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>The vector as stored: <see cref="Dimension"/> little-endian float32 values; empty without a vector.</summary>
    public ReadOnlySpan<byte> VectorBytes { get; }

    /// <summary>The vector's values (a view of <see cref="VectorBytes"/>; possibly unaligned); empty without a vector.</summary>
    public ReadOnlySpan<float> Vector => MemoryMarshal.Cast<byte, float>(VectorBytes);

    /// <summary>Floats in the vector; 0 when the record has none.</summary>
    public int Dimension => VectorBytes.Length / sizeof(float);

    /// <summary>When the record was first written (Unix milliseconds, UTC).</summary>
    public long CreatedUnixMs { get; }

    /// <summary>When the record was last written (Unix milliseconds, UTC).</summary>
    public long UpdatedUnixMs { get; }

    /// <summary>The LSN of the log entry that last wrote the record.</summary>
    public long Lsn { get; }
}
