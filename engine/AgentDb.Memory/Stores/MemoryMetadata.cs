using System.Buffers;
using AgentDb.Kernels;
using MessagePack;

namespace AgentDb.Memory.Stores;

/// <summary>
/// The embedder a memory attached to a caller's database (<see cref="MemoryStores.Attach"/>) was written with, kept as
/// record <see cref="RecordId"/> of collection <see cref="Collection"/> (a MessagePack map <c>{v, embedder, dimension}</c>)
/// so that reopening it with another embedder is refused, as the layout file of a memory directory does. Written by
/// the primary and replicated with the records.
/// </summary>
internal static class MemoryMetadata
{
    /// <summary>The collection of the memory's own metadata.</summary>
    public const string Collection = "mem.meta";

    /// <summary>The record that names the embedder.</summary>
    public const string RecordId = "embedder";

    private const int Version = 1;

    /// <summary>Checks the stored embedder against <paramref name="context"/>'s, or records it (once the store takes writes).</summary>
    /// <exception cref="InvalidOperationException">The database holds memory written with another embedder or dimension.</exception>
    /// <exception cref="InvalidDataException">The metadata record is malformed.</exception>
    public static void Ensure(MemoryContext context, AgentDatabase store)
    {
        context.EnsureCollectionIn(store, Collection, 1);
        if (!CheckStored(store, context.Embedder.Name, context.Dimension))
        {
            context.Setup(store, db =>
            {
                if (!CheckStored(db, context.Embedder.Name, context.Dimension))
                {
                    db.Upsert(Collection, RecordId, Encode(context.Embedder.Name, context.Dimension));
                }
            });
        }
    }

    /// <summary>False when nothing is stored yet; true when the stored embedder is this one.</summary>
    private static bool CheckStored(AgentDatabase store, string embedder, int dimension)
    {
        StoredRecord? record;
        try
        {
            record = store.Get(Collection, RecordId);
        }
        catch (CollectionNotFoundException)
        {
            return false; // a replica that has not received the collection yet
        }

        if (record is null)
        {
            return false;
        }

        (string storedEmbedder, int storedDimension) = Decode(store, record.Payload);
        if (storedEmbedder != embedder || storedDimension != dimension)
        {
            throw new InvalidOperationException(
                $"The database '{store.Path}' holds agent memory of embedder '{storedEmbedder}' ({storedDimension} dimensions); " +
                $"it cannot be opened with embedder '{embedder}' ({dimension} dimensions).");
        }

        return true;
    }

    private static byte[] Encode(string embedder, int dimension)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        var writer = new MessagePackWriter(buffer);
        writer.WriteMapHeader(3);
        writer.Write("v");
        writer.Write(Version);
        writer.Write("embedder");
        writer.Write(embedder);
        writer.Write("dimension");
        writer.Write(dimension);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static (string Embedder, int Dimension) Decode(AgentDatabase store, ReadOnlyMemory<byte> payload)
    {
        string? embedder = null;
        int dimension = 0;
        try
        {
            var reader = new MessagePackReader(payload);
            int entries = reader.ReadMapHeader();
            for (int i = 0; i < entries; i++)
            {
                switch (reader.ReadString())
                {
                    case "embedder":
                        embedder = reader.ReadString();
                        break;
                    case "dimension":
                        dimension = reader.ReadInt32();
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
        }
        catch (Exception e) when (e is MessagePackSerializationException or EndOfStreamException or InvalidOperationException)
        {
            throw Malformed(store, e.Message, e);
        }

        if (embedder is null || dimension < 1)
        {
            throw Malformed(store, "it lacks the embedder's name or dimension", null);
        }

        return (embedder, dimension);
    }

    private static InvalidDataException Malformed(AgentDatabase store, string reason, Exception? inner) =>
        new($"The agent memory's metadata record '{RecordId}' in '{Collection}' of '{store.Path}' is malformed: {reason}", inner);
}
