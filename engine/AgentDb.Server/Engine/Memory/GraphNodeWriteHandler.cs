using AgentDb.Memory;
using AgentDb.Wire.Messages.Memory;

namespace AgentDb.Server.Engine.Memory;

/// <summary>GRAPH_NODE_ADD (BAD_REQUEST when the id exists) and GRAPH_NODE_UPSERT (needs an id; replaces the node,
/// keeping its edges); both answer the node's id.</summary>
internal sealed class GraphNodeWriteHandler(AgentMemory memory, bool upsert) : MemoryOperation<GraphNodeWriteRequest, MemoryIdResponse>(memory)
{
    protected override async ValueTask<MemoryIdResponse> ExecuteAsync(GraphNodeWriteRequest message, CancellationToken cancellationToken)
    {
        var node = MemoryConversions.ToNodeInput(message.Node);
        if (!upsert)
        {
            return new MemoryIdResponse(await Memory.Graph.AddNodeAsync(node, cancellationToken).ConfigureAwait(false));
        }
        await Memory.Graph.UpsertNodeAsync(node, cancellationToken).ConfigureAwait(false);
        return new MemoryIdResponse(node.Id!);
    }
}
