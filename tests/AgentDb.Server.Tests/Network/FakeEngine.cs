using System.Buffers;
using AgentDb.Server.Network.Handlers;
using AgentDb.Wire.Frames;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Tests.Network;

/// <summary>
/// A dictionary-backed stand-in for the storage engine behind <see cref="IRequestHandler"/>: enough behaviour to
/// drive every operation end to end (brute-force search, equality filters on raw payload bytes). Not the engine.
/// </summary>
internal sealed class FakeEngine : IRequestHandler
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<string, Collection> _collections = new(StringComparer.Ordinal);
    private ulong _version;

    public void RegisterAll(RequestHandlerRegistry registry)
    {
        foreach (var opcode in OpcodeInfo.All)
        {
            if (opcode is not (Opcode.Hello or Opcode.Ping))
            {
                registry.Register(opcode, this);
            }
        }
    }

    public ValueTask<HandlerResult> HandleAsync(HandlerRequest request, IBufferWriter<byte> responseBody, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            try
            {
                return ValueTask.FromResult(Handle(request, responseBody));
            }
            catch (KeyNotFoundException e)
            {
                return ValueTask.FromResult(HandlerResult.Error(ErrorCode.NotFound, e.Message));
            }
        }
    }

    private HandlerResult Handle(HandlerRequest request, IBufferWriter<byte> output)
    {
        switch (request.Opcode)
        {
            case Opcode.CollectionCreate:
                var create = Decode<CollectionCreateRequest>(request);
                _collections.TryAdd(create.Name, new Collection(create.Dimension, create.Metric));
                MessageCodec.Encode(output, EmptyMessage.Instance);
                break;
            case Opcode.CollectionDrop:
                var drop = Decode<CollectionDropRequest>(request);
                if (!_collections.Remove(drop.Name))
                {
                    throw new KeyNotFoundException($"collection '{drop.Name}' does not exist");
                }
                MessageCodec.Encode(output, EmptyMessage.Instance);
                break;
            case Opcode.CollectionList:
                MessageCodec.Encode(output, new CollectionListResponse(
                    _collections.Select(c => new AgentDb.Wire.Messages.CollectionInfo(c.Key, c.Value.Dimension, c.Value.Metric, (ulong)c.Value.Records.Count)).ToArray()));
                break;
            case Opcode.Upsert:
                var upsert = Decode<UpsertRequest>(request);
                var into = Find(upsert.Collection);
                if (upsert.Vector.Length != into.Dimension)
                {
                    return HandlerResult.Error(ErrorCode.BadRequest, $"vector has dimension {upsert.Vector.Length}, collection has {into.Dimension}");
                }
                var created = !into.Records.ContainsKey(upsert.Id);
                into.Records[upsert.Id] = new Record(upsert.Vector.ToArray(), upsert.Payload.ToArray(), ++_version);
                MessageCodec.Encode(output, new UpsertResponse(_version, created));
                break;
            case Opcode.Get:
                var get = Decode<GetRequest>(request);
                if (!Find(get.Collection).Records.TryGetValue(get.Id, out var record))
                {
                    throw new KeyNotFoundException($"record '{get.Id}' does not exist");
                }
                MessageCodec.Encode(output, new GetResponse(get.Id, get.IncludeVector ? record.Vector : default, record.Payload, record.Version));
                break;
            case Opcode.Delete:
                var delete = Decode<DeleteRequest>(request);
                MessageCodec.Encode(output, new DeleteResponse(Find(delete.Collection).Records.Remove(delete.Id)));
                break;
            case Opcode.Batch:
                var batch = Decode<BatchRequest>(request);
                var target = Find(batch.Collection);
                _version++;
                foreach (var operation in batch.Operations)
                {
                    if (operation.Kind == BatchOperationKind.Delete)
                    {
                        target.Records.Remove(operation.Id);
                    }
                    else
                    {
                        target.Records[operation.Id] = new Record(operation.Vector.ToArray(), operation.Payload.ToArray(), _version);
                    }
                }
                MessageCodec.Encode(output, new BatchResponse(batch.Operations.Count, _version));
                break;
            case Opcode.Search:
                var search = Decode<SearchRequest>(request);
                var hits = Find(search.Collection).Records
                    .Where(r => search.Filter.IsEmpty || r.Value.Payload.AsSpan().SequenceEqual(search.Filter.Span))
                    .Select(r => (r.Key, r.Value, Distance: SquaredL2(search.Vector.Span, r.Value.Vector)))
                    .OrderBy(r => r.Distance).ThenBy(r => r.Key, StringComparer.Ordinal).Take(search.K)
                    .Select(r => new SearchHit(r.Key, r.Distance, search.IncludePayload ? r.Value.Payload : default,
                        search.IncludeVector ? r.Value.Vector : default))
                    .ToArray();
                MessageCodec.Encode(output, new SearchResponse(hits));
                break;
            case Opcode.Stats:
                var stats = Decode<StatsRequest>(request);
                long count = stats.Collection is null ? _collections.Values.Sum(c => c.Records.Count) : Find(stats.Collection).Records.Count;
                MessageCodec.Encode(output, new StatsResponse([new("records", count), new("collections", _collections.Count)]));
                break;
            case Opcode.Checkpoint:
                Decode<EmptyMessage>(request);
                MessageCodec.Encode(output, new CheckpointResponse(_version));
                break;
            default:
                return HandlerResult.Error(ErrorCode.NotImplemented, $"{request.Opcode}");
        }
        return HandlerResult.Success;
    }

    private static T Decode<T>(HandlerRequest request) where T : IWireMessage<T> =>
        MessageCodec.TryDecode<T>(request.Body, out var message, out var error)
            ? message
            : throw new RequestException(ErrorCode.BadRequest, error);

    private Collection Find(string name) =>
        _collections.TryGetValue(name, out var collection) ? collection : throw new KeyNotFoundException($"collection '{name}' does not exist");

    private static float SquaredL2(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = 0f;
        for (var i = 0; i < a.Length && i < b.Length; i++)
        {
            sum += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return sum;
    }

    private sealed record Collection(int Dimension, VectorMetric Metric)
    {
        public Dictionary<string, Record> Records { get; } = new(StringComparer.Ordinal);
    }

    private sealed record Record(float[] Vector, byte[] Payload, ulong Version);
}
