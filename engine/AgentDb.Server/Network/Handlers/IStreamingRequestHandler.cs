using System.Buffers;

namespace AgentDb.Server.Network.Handlers;

/// <summary>
/// A handler whose request opens a stream: it sends any number of frames through an <see cref="IResponseStream"/>
/// (flag RESPONSE, the request's id), then answers the request once, which ends the stream. The session calls
/// <see cref="HandleStreamAsync"/> instead of <see cref="IRequestHandler.HandleAsync"/>.
/// </summary>
internal interface IStreamingRequestHandler : IRequestHandler
{
    /// <summary>Runs the stream until it ends or <paramref name="cancellationToken"/> fires (connection closed or server stopping).</summary>
    /// <param name="request">The request that opened the stream.</param>
    /// <param name="stream">Sends the stream's frames.</param>
    /// <param name="responseBody">Where to write the final answer's body on success.</param>
    /// <param name="cancellationToken">Cancelled when the connection closes or the server stops.</param>
    ValueTask<HandlerResult> HandleStreamAsync(
        HandlerRequest request, IResponseStream stream, IBufferWriter<byte> responseBody, CancellationToken cancellationToken);
}
