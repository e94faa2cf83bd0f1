using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MessagePack;

namespace AgentDb.Memory.Causal;

/// <summary>
/// The stored form of causal edges. An edge is one MessagePack map
/// <c>{from, to, mechanism, uplift (float64), confidence (float64), samples (int), evidence ([string])}</c>, written with
/// the same bytes under three ids: its edge id in <see cref="CausalMemory.Collection"/>, and the adjacency keys
/// <c>len(from) from edgeId</c> in <see cref="CausalMemory.OutgoingCollection"/> and <c>len(to) to edgeId</c> in
/// <see cref="CausalMemory.IncomingCollection"/>, where <c>len</c> is the node id's UTF-8 byte count as three lowercase
/// hex digits. The length prefix makes "every edge of node n" an exact prefix scan whatever characters ids contain.
/// </summary>
internal static class CausalEdgeCodec
{
    /// <summary>Characters of an edge id: "ce" and 32 hex digits (128 bits of SHA-256).</summary>
    public const int EdgeIdLength = 34;

    /// <summary>Characters of the node id's length prefix in an adjacency key.</summary>
    public const int LengthPrefixLength = 3;

    /// <summary>The edge id of (from, to, mechanism): "ce" + the first 16 bytes of SHA-256 over the three length-prefixed UTF-8 strings, as hex.</summary>
    public static string EdgeId(string from, string to, string mechanism)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[4];
        Append(hash, from, length);
        Append(hash, to, length);
        Append(hash, mechanism, length);
        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        return "ce" + Convert.ToHexStringLower(digest[..16]);
    }

    /// <summary>The prefix every adjacency key of <paramref name="node"/> starts with.</summary>
    public static string NodePrefix(string node) =>
        Encoding.UTF8.GetByteCount(node).ToString("x3", CultureInfo.InvariantCulture) + node;

    /// <summary>The adjacency key of edge <paramref name="edgeId"/> under <paramref name="node"/>.</summary>
    public static string AdjacencyKey(string node, string edgeId) => NodePrefix(node) + edgeId;

    /// <summary>The edge id at the end of an adjacency key.</summary>
    public static string EdgeIdOfAdjacencyKey(string key) => key[^EdgeIdLength..];

    public static byte[] Encode(string from, string to, string mechanism, double uplift, double confidence, long sampleSize, IReadOnlyList<string> evidenceIds)
    {
        var buffer = new ArrayBufferWriter<byte>(128 + ((from.Length + to.Length + mechanism.Length) * 3));
        var writer = new MessagePackWriter(buffer);
        writer.WriteMapHeader(7);
        writer.Write("from");
        writer.Write(from);
        writer.Write("to");
        writer.Write(to);
        writer.Write("mechanism");
        writer.Write(mechanism);
        writer.Write("uplift");
        writer.Write(uplift);
        writer.Write("confidence");
        writer.Write(confidence);
        writer.Write("samples");
        writer.Write(sampleSize);
        writer.Write("evidence");
        writer.WriteArrayHeader(evidenceIds.Count);
        for (int i = 0; i < evidenceIds.Count; i++)
        {
            writer.Write(evidenceIds[i]);
        }

        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Decodes a stored edge record (from any of the three collections) whose edge id is <paramref name="edgeId"/>.</summary>
    /// <exception cref="InvalidDataException">The payload is not a causal edge.</exception>
    public static CausalEdge Decode(StoredRecord record, string collection, string edgeId)
    {
        string? from = null;
        string? to = null;
        string mechanism = string.Empty;
        double uplift = double.NaN;
        double confidence = double.NaN;
        long samples = 0;
        string[] evidence = [];
        try
        {
            var reader = new MessagePackReader(record.Payload);
            int entries = reader.ReadMapHeader();
            for (int e = 0; e < entries; e++)
            {
                string? key = reader.ReadString();
                switch (key)
                {
                    case "from":
                        from = reader.ReadString();
                        break;
                    case "to":
                        to = reader.ReadString();
                        break;
                    case "mechanism":
                        mechanism = reader.ReadString() ?? string.Empty;
                        break;
                    case "uplift":
                        uplift = reader.ReadDouble();
                        break;
                    case "confidence":
                        confidence = reader.ReadDouble();
                        break;
                    case "samples":
                        samples = reader.ReadInt64();
                        break;
                    case "evidence":
                        int count = reader.ReadArrayHeader();
                        evidence = new string[count];
                        for (int i = 0; i < count; i++)
                        {
                            evidence[i] = reader.ReadString() ?? throw Malformed(record, collection, "an evidence id is nil");
                        }

                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
        }
        catch (MessagePackSerializationException e)
        {
            throw new InvalidDataException($"The causal edge '{record.Id}' in '{collection}' is not valid MessagePack: {e.Message}", e);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"The causal edge '{record.Id}' in '{collection}' is truncated.", e);
        }

        if (from is null || to is null || !double.IsFinite(uplift) || !(confidence >= 0 && confidence <= 1))
        {
            throw Malformed(record, collection, "it lacks from, to, a finite uplift or a confidence in [0, 1]");
        }

        return new CausalEdge(edgeId, from, to, mechanism, uplift, confidence, samples, evidence, record.CreatedUnixMs, record.UpdatedUnixMs);
    }

    /// <summary>
    /// Reads only what traversals need from an edge payload: the uplift, the confidence and (when
    /// <paramref name="readTo"/>) the target id.
    /// </summary>
    /// <exception cref="InvalidDataException">The payload is not a causal edge.</exception>
    public static void ReadSummary(StoredRecord record, string collection, bool readTo, out string? to, out double uplift, out double confidence)
    {
        to = null;
        uplift = double.NaN;
        confidence = double.NaN;
        try
        {
            var reader = new MessagePackReader(record.Payload);
            int entries = reader.ReadMapHeader();
            for (int e = 0; e < entries; e++)
            {
                if (!reader.TryReadStringSpan(out ReadOnlySpan<byte> key))
                {
                    reader.Skip();
                    reader.Skip();
                    continue;
                }

                if (key.SequenceEqual("uplift"u8))
                {
                    uplift = reader.ReadDouble();
                }
                else if (key.SequenceEqual("confidence"u8))
                {
                    confidence = reader.ReadDouble();
                }
                else if (readTo && key.SequenceEqual("to"u8))
                {
                    to = reader.ReadString();
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (MessagePackSerializationException e)
        {
            throw new InvalidDataException($"The causal edge '{record.Id}' in '{collection}' is not valid MessagePack: {e.Message}", e);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"The causal edge '{record.Id}' in '{collection}' is truncated.", e);
        }

        if ((readTo && to is null) || !double.IsFinite(uplift) || !(confidence >= 0 && confidence <= 1))
        {
            throw Malformed(record, collection, "it lacks to, a finite uplift or a confidence in [0, 1]");
        }
    }

    private static InvalidDataException Malformed(StoredRecord record, string collection, string why) =>
        new($"The causal edge '{record.Id}' in '{collection}' is malformed: {why}.");

    private static void Append(IncrementalHash hash, string value, Span<byte> length)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(value);
        BinaryPrimitives.WriteInt32LittleEndian(length, utf8.Length);
        hash.AppendData(length);
        hash.AppendData(utf8);
    }
}
