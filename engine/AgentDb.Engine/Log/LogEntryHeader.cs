using System.Buffers.Binary;
using System.IO.Hashing;

namespace AgentDb.Log;

/// <summary>
/// The 40-byte header our log puts in front of every payload, inside the FASTER entry. Little-endian:
/// <code>
///  0  u64 checksum      XxHash3 of bytes [8, 40 + payloadLength)
///  8  u32 magic         'ADBL'
/// 12  u16 version       1
/// 14  u16 flags         0 (reserved)
/// 16  i64 lsn
/// 24  i64 previousLsn   LSN of the entry before this one (0 for the first), so a silently skipped entry is detected
/// 32  i32 payloadLength
/// 36  u32 reserved      0
/// </code>
/// </summary>
/// <remarks>Persisted format: fields are append-only; a new layout takes a new version.</remarks>
internal static class LogEntryHeader
{
    public const int Size = 40;
    public const uint Magic = 0x4C424441; // "ADBL" read as little-endian bytes
    public const ushort CurrentVersion = 1;

    private const int ChecksumOffset = 0;
    private const int MagicOffset = 8;
    private const int VersionOffset = 12;
    private const int FlagsOffset = 14;
    private const int LsnOffset = 16;
    private const int PreviousLsnOffset = 24;
    private const int PayloadLengthOffset = 32;
    private const int ReservedOffset = 36;

    /// <summary>Writes the header in front of the payload already in <c>entry[Size..]</c> and seals it with the checksum.</summary>
    public static void Write(Span<byte> entry, long lsn, long previousLsn)
    {
        int payloadLength = entry.Length - Size;
        BinaryPrimitives.WriteUInt32LittleEndian(entry[MagicOffset..], Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(entry[VersionOffset..], CurrentVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(entry[FlagsOffset..], 0);
        BinaryPrimitives.WriteInt64LittleEndian(entry[LsnOffset..], lsn);
        BinaryPrimitives.WriteInt64LittleEndian(entry[PreviousLsnOffset..], previousLsn);
        BinaryPrimitives.WriteInt32LittleEndian(entry[PayloadLengthOffset..], payloadLength);
        BinaryPrimitives.WriteUInt32LittleEndian(entry[ReservedOffset..], 0);
        BinaryPrimitives.WriteUInt64LittleEndian(entry[ChecksumOffset..], XxHash3.HashToUInt64(entry[MagicOffset..]));
    }

    /// <summary>True when the bytes at <paramref name="entry"/> start with our magic (a cheap pre-check before the checksum).</summary>
    public static bool HasMagic(ReadOnlySpan<byte> entry) =>
        entry.Length >= Size && BinaryPrimitives.ReadUInt32LittleEndian(entry[MagicOffset..]) == Magic;

    /// <summary>
    /// Checks a whole entry (header and payload): magic, version, length and checksum. Returns false with the reason when
    /// anything is wrong; never throws.
    /// </summary>
    public static bool TryValidate(ReadOnlySpan<byte> entry, out long lsn, out long previousLsn, out string? problem)
    {
        lsn = 0;
        previousLsn = 0;
        if (entry.Length < Size)
        {
            problem = $"entry of {entry.Length} bytes is shorter than the {Size}-byte header";
            return false;
        }

        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(entry[MagicOffset..]);
        if (magic != Magic)
        {
            problem = $"bad magic 0x{magic:X8}";
            return false;
        }

        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(entry[VersionOffset..]);
        if (version != CurrentVersion)
        {
            problem = $"unsupported entry version {version}";
            return false;
        }

        int payloadLength = BinaryPrimitives.ReadInt32LittleEndian(entry[PayloadLengthOffset..]);
        if (payloadLength != entry.Length - Size)
        {
            problem = $"header says {payloadLength} payload bytes, the entry holds {entry.Length - Size}";
            return false;
        }

        ulong stored = BinaryPrimitives.ReadUInt64LittleEndian(entry[ChecksumOffset..]);
        ulong computed = XxHash3.HashToUInt64(entry[MagicOffset..]);
        if (stored != computed)
        {
            problem = $"checksum mismatch (stored 0x{stored:X16}, computed 0x{computed:X16})";
            return false;
        }

        lsn = BinaryPrimitives.ReadInt64LittleEndian(entry[LsnOffset..]);
        previousLsn = BinaryPrimitives.ReadInt64LittleEndian(entry[PreviousLsnOffset..]);
        if (lsn <= previousLsn || previousLsn < 0)
        {
            problem = $"LSN {lsn} does not follow previous LSN {previousLsn}";
            return false;
        }

        problem = null;
        return true;
    }

    /// <summary>The LSN field of a header whose magic is intact (for error messages about a damaged entry).</summary>
    public static long ReadLsnUnchecked(ReadOnlySpan<byte> entry) => BinaryPrimitives.ReadInt64LittleEndian(entry[LsnOffset..]);
}
