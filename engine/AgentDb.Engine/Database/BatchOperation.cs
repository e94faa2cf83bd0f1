using AgentDb.Storage;

namespace AgentDb;

/// <summary>One operation of a <see cref="RecordBatch"/>: offsets into the batch's buffer.</summary>
internal readonly record struct BatchOperation(
    RecordWriteKind Kind, string Collection, int IdOffset, int IdLength, int PayloadOffset, int PayloadLength, int VectorOffset, int VectorFloats);
