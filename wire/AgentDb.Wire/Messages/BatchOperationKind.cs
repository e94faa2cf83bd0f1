namespace AgentDb.Wire.Messages;

/// <summary>What one entry of a BATCH does. Persisted on the wire: values are explicit and append-only.</summary>
public enum BatchOperationKind : byte
{
    /// <summary>Insert or replace the record.</summary>
    Upsert = 0,

    /// <summary>Delete the record (vector and payload are nil).</summary>
    Delete = 1,
}
