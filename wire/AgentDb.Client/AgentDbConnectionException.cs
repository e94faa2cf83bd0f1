namespace AgentDb.Client;

/// <summary>The connection failed or was closed (by either side, or after the server broke the protocol): the
/// request's outcome is unknown. Create a new client to go on.</summary>
public sealed class AgentDbConnectionException : IOException
{
    /// <summary>Creates the exception.</summary>
    public AgentDbConnectionException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
