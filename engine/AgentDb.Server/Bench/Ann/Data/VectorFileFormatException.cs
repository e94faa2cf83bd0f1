namespace AgentDb.Server.Bench.Ann.Data;

/// <summary>
/// A <c>.fvecs</c> or <c>.ivecs</c> file is malformed: the message names the file, the vector and its byte offset.
/// </summary>
internal sealed class VectorFileFormatException : Exception
{
    /// <summary>Describes a malformed record of <paramref name="path"/>.</summary>
    public VectorFileFormatException(string path, long vectorIndex, long byteOffset, string problem)
        : base($"{path}: vector {vectorIndex} (byte offset {byteOffset}): {problem}")
    {
        FilePath = path;
        VectorIndex = vectorIndex;
        ByteOffset = byteOffset;
    }

    /// <summary>Describes a problem with <paramref name="path"/> as a whole.</summary>
    public VectorFileFormatException(string path, string problem)
        : base($"{path}: {problem}")
    {
        FilePath = path;
        VectorIndex = -1;
        ByteOffset = -1;
    }

    /// <summary>The file that is malformed.</summary>
    public string FilePath { get; }

    /// <summary>The zero-based index of the malformed vector, or -1 when the file as a whole is at fault.</summary>
    public long VectorIndex { get; }

    /// <summary>Where the malformed vector starts, or -1 when the file as a whole is at fault.</summary>
    public long ByteOffset { get; }
}
