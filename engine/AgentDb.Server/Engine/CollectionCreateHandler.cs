using System.Globalization;
using AgentDb.Server.Network.Handlers;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Engine;

/// <summary>COLLECTION_CREATE: creates the collection with its HNSW <c>m</c> and <c>efConstruction</c> (0 = the engine's
/// default for either). An existing name with the same settings succeeds (nothing is written); with other settings, or
/// a parameter out of the engine's range, it is BAD_REQUEST.</summary>
internal sealed class CollectionCreateHandler(AgentDatabase database)
    : EngineOperation<CollectionCreateRequest, EmptyMessage>(database)
{
    protected override ValueTask<EmptyMessage> ExecuteAsync(CollectionCreateRequest message, CancellationToken cancellationToken)
    {
        ThrowIfMemoryCollection(message.Name);
        var m = message.M == 0 ? AgentDatabase.DefaultHnswM : message.M;
        var efConstruction = message.EfConstruction == 0 ? Math.Max(AgentDatabase.DefaultHnswEfConstruction, m) : message.EfConstruction;
        var metric = EngineHandlers.ToEngine(message.Metric);
        try
        {
            Database.CreateCollection(message.Name, message.Dimension, metric, m, efConstruction);
        }
        catch (CollectionAlreadyExistsException)
        {
            // PROTOCOL.md 8.3: creating a collection that exists with the same settings succeeds (clients may "ensure").
            var existing = Find(message.Name) ?? throw new RequestException(ErrorCode.BadRequest, $"collection '{message.Name}' exists");
            if (existing.Dimension != message.Dimension || existing.Metric != metric || existing.HnswM != m || existing.HnswEfConstruction != efConstruction)
            {
                throw new RequestException(ErrorCode.BadRequest, string.Create(CultureInfo.InvariantCulture,
                    $"collection '{message.Name}' exists with other settings: dimension {existing.Dimension}, metric {existing.Metric}, m {existing.HnswM}, efConstruction {existing.HnswEfConstruction}"));
            }
        }
        return ValueTask.FromResult(EmptyMessage.Instance);
    }

    private CollectionInfo? Find(string name)
    {
        foreach (var info in Database.ListCollections())
        {
            if (info.Name == name)
            {
                return info;
            }
        }
        return null;
    }
}
