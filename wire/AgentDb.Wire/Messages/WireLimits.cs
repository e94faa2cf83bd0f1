namespace AgentDb.Wire.Messages;

/// <summary>Bounds every decoder checks before it allocates. Part of the protocol: a peer may rely on them.</summary>
public static class WireLimits
{
    /// <summary>Longest collection name, in UTF-8 bytes.</summary>
    public const int MaxNameBytes = 256;

    /// <summary>Longest record id, in UTF-8 bytes.</summary>
    public const int MaxIdBytes = 512;

    /// <summary>Longest API key, in UTF-8 bytes.</summary>
    public const int MaxApiKeyBytes = 1024;

    /// <summary>Longest free-text field (error message, client or server name, statistic name), in UTF-8 bytes.</summary>
    public const int MaxTextBytes = 64 * 1024;

    /// <summary>Largest vector dimension.</summary>
    public const int MaxDimension = 65_536;

    /// <summary>Deepest nesting of arrays and maps inside a payload or filter map (the map itself is depth 1).</summary>
    public const int MaxNestingDepth = 32;

    /// <summary>The most replicas a write may ask to wait for (its optional <c>w</c> field).</summary>
    public const int MaxReplicas = 255;
}
