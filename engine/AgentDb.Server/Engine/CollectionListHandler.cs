using AgentDb.Wire.Messages;

namespace AgentDb.Server.Engine;

/// <summary>COLLECTION_LIST: every collection with its schema and record count.</summary>
internal sealed class CollectionListHandler(AgentDatabase database)
    : EngineOperation<EmptyMessage, CollectionListResponse>(database)
{
    protected override ValueTask<CollectionListResponse> ExecuteAsync(EmptyMessage message, CancellationToken cancellationToken)
    {
        var collections = Database.ListCollections();
        var infos = new Wire.Messages.CollectionInfo[collections.Count];
        for (var i = 0; i < infos.Length; i++)
        {
            var c = collections[i];
            infos[i] = new Wire.Messages.CollectionInfo(
                c.Name, c.Dimension, EngineHandlers.ToWire(c.Metric), (ulong)Math.Max(c.RecordCount, 0));
        }
        return ValueTask.FromResult(new CollectionListResponse(infos));
    }
}
