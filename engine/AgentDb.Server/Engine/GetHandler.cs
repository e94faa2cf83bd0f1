using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using AgentDb.Server.Network.Handlers;
using AgentDb.Wire;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Engine;

/// <summary>
/// GET: one record; NOT_FOUND when the collection or the record does not exist. The version is the LSN that last wrote
/// it.
/// </summary>
/// <remarks>
/// The hot path allocates nothing: the request's strings are read as UTF-8 slices of the body, the collection is looked
/// up by a stack copy of its characters, and the stored value (read by <see cref="AgentDatabase.TryRead{TVisitor}"/>
/// into a buffer the thread reuses) is written as the response's MessagePack straight from its bytes — id, vector and
/// payload each copied once, into one span of the response of the answer's exact size. A body the fast parser does not take (another encoding of the same
/// message, a malformed one) and a stored payload that is not a MessagePack map go the general way, through
/// <see cref="GetRequest"/> and <see cref="GetResponse"/>, which gives the same answers and the same errors.
/// </remarks>
internal sealed class GetHandler(AgentDatabase database) : IRequestHandler
{
    private readonly Decoded _decoded = new(database);

    /// <summary>True: both paths read the body before they return (the general path decodes it into strings first).</summary>
    public bool ReadsBodyOnlyDuringCall => true;

    public ValueTask<HandlerResult> HandleAsync(HandlerRequest request, IBufferWriter<byte> responseBody, CancellationToken cancellationToken)
    {
        var body = request.Body.Span;
        if (!BitConverter.IsLittleEndian || !TryParse(body, out var collectionUtf8, out var idUtf8, out var includeVector))
        {
            return _decoded.HandleAsync(request, responseBody, cancellationToken);
        }

        // As many chars as UTF-8 bytes at most; exact-size, since a stack buffer of the maximum is zeroed per request.
        Span<char> collection = stackalloc char[collectionUtf8.Length];
        var collectionLength = Encoding.UTF8.GetChars(collectionUtf8, collection);
        var writer = new ResponseWriter(responseBody, includeVector);
        bool found;
        try
        {
            found = database.TryRead(collection[..collectionLength], idUtf8, ref writer);
        }
        catch (CollectionNotFoundException e)
        {
            return ValueTask.FromResult(HandlerResult.Error(ErrorCode.NotFound, e.Message));
        }
        catch (ArgumentException e)
        {
            return ValueTask.FromResult(HandlerResult.Error(ErrorCode.BadRequest, e.Message));
        }

        if (!found)
        {
            return ValueTask.FromResult(HandlerResult.Error(ErrorCode.NotFound,
                $"record '{Encoding.UTF8.GetString(idUtf8)}' does not exist in collection '{collection[..collectionLength]}'"));
        }

        // A payload that is not one map is refused by the general path's encoder, as it always was.
        return writer.Written ? ValueTask.FromResult(HandlerResult.Success) : _decoded.HandleAsync(request, responseBody, cancellationToken);
    }

    /// <summary>
    /// Reads <c>[collection: str, id: str, includeVector: bool]</c> in its usual encoding (fixarray 3; fixstr, str8 or
    /// str16; valid UTF-8 within the protocol's limits) and nothing after it, or the same in a fixarray 4 followed by
    /// <c>minLsn</c> as one unsigned integer (which <c>MinLsnGate</c> waited for before this handler runs); false for
    /// anything else.
    /// </summary>
    internal static bool TryParse(ReadOnlySpan<byte> body, out ReadOnlySpan<byte> collectionUtf8, out ReadOnlySpan<byte> idUtf8, out bool includeVector)
    {
        collectionUtf8 = default;
        idUtf8 = default;
        includeVector = false;
        if (body.IsEmpty || body[0] is not (0x93 or 0x94))
        {
            return false;
        }
        var offset = 1;
        // The length after includeVector: nothing, or (fixarray 4) minLsn as a positive fixint or uint 8/16/32/64.
        var end = body[0] == 0x93 ? 0 : -1;
        if (!TryReadString(body, ref offset, WireLimits.MaxNameBytes, out collectionUtf8)
            || !TryReadString(body, ref offset, WireLimits.MaxIdBytes, out idUtf8)
            || offset >= body.Length
            || body[offset] is not (0xc2 or 0xc3))
        {
            return false;
        }
        if (end < 0 && offset + 1 < body.Length)
        {
            end = body[offset + 1] switch
            {
                <= 0x7f => 1,
                0xcc => 2,
                0xcd => 3,
                0xce => 5,
                0xcf => 9,
                _ => -1,
            };
        }
        if (end < 0 || offset + 1 + end != body.Length)
        {
            return false;
        }
        includeVector = body[offset] == 0xc3;
        return true;
    }

    private static bool TryReadString(ReadOnlySpan<byte> body, scoped ref int offset, int maxBytes, out ReadOnlySpan<byte> utf8)
    {
        utf8 = default;
        if (offset >= body.Length)
        {
            return false;
        }
        var code = body[offset];
        int length;
        int header;
        if (code is >= 0xa0 and <= 0xbf)
        {
            length = code & 0x1f;
            header = 1;
        }
        else if (code == 0xd9 && offset + 1 < body.Length)
        {
            length = body[offset + 1];
            header = 2;
        }
        else if (code == 0xda && offset + 2 < body.Length)
        {
            length = BinaryPrimitives.ReadUInt16BigEndian(body[(offset + 1)..]);
            header = 3;
        }
        else
        {
            return false;
        }
        if (length == 0 || length > maxBytes || offset + header + length > body.Length)
        {
            return false;
        }
        utf8 = body.Slice(offset + header, length);
        if (!System.Text.Unicode.Utf8.IsValid(utf8))
        {
            return false;
        }
        offset += header + length;
        return true;
    }

    /// <summary>Writes GET's response <c>[id, vector or nil, payload or nil, version]</c> from the stored record.</summary>
    private ref struct ResponseWriter(IBufferWriter<byte> output, bool includeVector) : IRecordVisitor
    {
        /// <summary>False when the record was not written (its payload is not one MessagePack map).</summary>
        public bool Written { get; private set; }

        public void Visit(scoped RecordView record)
        {
            var payload = record.Payload;
            if (!payload.IsEmpty && !IsMapHeader(payload[0]))
            {
                return;
            }
            // What MessagePackWriter writes (smallest headers, str8 and bin8 allowed), encoded by hand into
            // one span of the exact size: one GetSpan and one Advance per answer.
            var id = record.IdUtf8;
            var vector = includeVector ? record.VectorBytes : default;
            var version = EngineHandlers.ToVersion(record.Lsn);
            var length = 1 + StringHeaderLength(id.Length) + id.Length
                + (vector.IsEmpty ? 1 : BinHeaderLength(vector.Length) + vector.Length)
                + (payload.IsEmpty ? 1 : payload.Length)
                + UInt64Length(version);
            var span = output.GetSpan(length);
            span[0] = 0x94; // fixarray of 4
            var at = 1;
            at += WriteStringHeader(span[at..], id.Length);
            id.CopyTo(span[at..]);
            at += id.Length;
            if (vector.IsEmpty)
            {
                span[at++] = 0xc0; // nil
            }
            else
            {
                at += WriteBinHeader(span[at..], vector.Length);
                vector.CopyTo(span[at..]); // stored little-endian, as the wire wants it
                at += vector.Length;
            }
            if (payload.IsEmpty)
            {
                span[at++] = 0xc0;
            }
            else
            {
                payload.CopyTo(span[at..]);
                at += payload.Length;
            }
            at += WriteUInt64(span[at..], version);
            Debug.Assert(at == length, "the GET answer's size was computed exactly");
            output.Advance(length);
            Written = true;
        }

        private static int StringHeaderLength(int length) => length <= 31 ? 1 : length <= byte.MaxValue ? 2 : length <= ushort.MaxValue ? 3 : 5;

        private static int BinHeaderLength(int length) => length <= byte.MaxValue ? 2 : length <= ushort.MaxValue ? 3 : 5;

        private static int UInt64Length(ulong value) =>
            value <= 0x7f ? 1 : value <= byte.MaxValue ? 2 : value <= ushort.MaxValue ? 3 : value <= uint.MaxValue ? 5 : 9;

        private static int WriteStringHeader(Span<byte> span, int length)
        {
            if (length <= 31)
            {
                span[0] = (byte)(0xa0 | length);
                return 1;
            }
            return WriteLength(span, length, 0xd9, 0xda, 0xdb);
        }

        private static int WriteBinHeader(Span<byte> span, int length) => WriteLength(span, length, 0xc4, 0xc5, 0xc6);

        private static int WriteLength(Span<byte> span, int length, byte code8, byte code16, byte code32)
        {
            if (length <= byte.MaxValue)
            {
                span[0] = code8;
                span[1] = (byte)length;
                return 2;
            }
            if (length <= ushort.MaxValue)
            {
                span[0] = code16;
                BinaryPrimitives.WriteUInt16BigEndian(span[1..], (ushort)length);
                return 3;
            }
            span[0] = code32;
            BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)length);
            return 5;
        }

        private static int WriteUInt64(Span<byte> span, ulong value)
        {
            if (value <= 0x7f)
            {
                span[0] = (byte)value;
                return 1;
            }
            if (value <= byte.MaxValue)
            {
                span[0] = 0xcc;
                span[1] = (byte)value;
                return 2;
            }
            if (value <= ushort.MaxValue)
            {
                span[0] = 0xcd;
                BinaryPrimitives.WriteUInt16BigEndian(span[1..], (ushort)value);
                return 3;
            }
            if (value <= uint.MaxValue)
            {
                span[0] = 0xce;
                BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)value);
                return 5;
            }
            span[0] = 0xcf;
            BinaryPrimitives.WriteUInt64BigEndian(span[1..], value);
            return 9;
        }

        private static bool IsMapHeader(byte code) => code is (>= 0x80 and <= 0x8f) or 0xde or 0xdf;
    }

    /// <summary>The general path: decodes <see cref="GetRequest"/>, reads a <see cref="StoredRecord"/>, encodes <see cref="GetResponse"/>.</summary>
    private sealed class Decoded(AgentDatabase database) : EngineOperation<GetRequest, GetResponse>(database)
    {
        protected override ValueTask<GetResponse> ExecuteAsync(GetRequest message, CancellationToken cancellationToken)
        {
            if (!Database.TryGet(message.Collection, message.Id, out var record))
            {
                throw new RequestException(ErrorCode.NotFound, $"record '{message.Id}' does not exist in collection '{message.Collection}'");
            }
            var vector = message.IncludeVector && record.Vector is { } stored ? stored : default(ReadOnlyMemory<float>);
            return ValueTask.FromResult(new GetResponse(record.Id, vector, record.Payload, EngineHandlers.ToVersion(record.Lsn)));
        }
    }
}
