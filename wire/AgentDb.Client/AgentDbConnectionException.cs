namespace AgentDb.Client;

/// <summary>The connection failed or was closed (by either side, or after the server broke the protocol). Unless
/// <see cref="RequestNotSent"/> is true the request's outcome is unknown. Create a new client to go on.</summary>
public sealed class AgentDbConnectionException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What happened.</param>
    /// <param name="innerException">The transport's exception, if any.</param>
    /// <param name="requestNotSent">True when no byte of the request left this client: the server cannot have
    /// executed it, so it is safe to send again, even a write.</param>
    public AgentDbConnectionException(string message, Exception? innerException = null, bool requestNotSent = false)
        : base(message, innerException) =>
        RequestNotSent = requestNotSent;

    /// <summary>True when the request provably never reached the server (the connection was gone before the client
    /// started writing it); false when it may or may not have been executed.</summary>
    public bool RequestNotSent { get; }
}
