namespace AgentDb.Wire.Messages;

/// <summary>One file of a snapshot: <c>[path: str, length: uint]</c>; the path is relative, with '/' separators.</summary>
/// <param name="Path">The file's path inside the snapshot.</param>
/// <param name="Length">The file's length in bytes.</param>
public readonly record struct SnapshotFile(string Path, ulong Length);
