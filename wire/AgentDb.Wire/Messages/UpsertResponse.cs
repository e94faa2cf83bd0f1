using MessagePack;

namespace AgentDb.Wire.Messages;

/// <summary>UPSERT response: <c>[version: uint, created: bool]</c>.</summary>
public sealed class UpsertResponse : IWireMessage<UpsertResponse>
{
    /// <summary>Creates the response.</summary>
    public UpsertResponse(ulong version, bool created)
    {
        Version = version;
        Created = created;
    }

    /// <summary>The record's new version (monotonic per database); durable when the response is sent.</summary>
    public ulong Version { get; }

    /// <summary>True when the id was new, false when an existing record was replaced.</summary>
    public bool Created { get; }

    /// <inheritdoc/>
    public void Write(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(2);
        writer.Write(Version);
        writer.Write(Created);
    }

    /// <inheritdoc/>
    public static UpsertResponse Read(ref MessagePackReader reader)
    {
        var count = Fields.ReadFieldCount(ref reader, 2, "UPSERT response");
        var version = Fields.ReadUInt64(ref reader, "version");
        var created = Fields.ReadBoolean(ref reader, "created");
        Fields.SkipExtraFields(ref reader, count, 2);
        return new UpsertResponse(version, created);
    }
}
