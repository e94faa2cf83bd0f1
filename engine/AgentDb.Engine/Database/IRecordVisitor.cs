namespace AgentDb;

/// <summary>
/// Receives a record read in place by <see cref="AgentDatabase.TryRead{TVisitor}"/>. Implement it as a struct (or ref
/// struct) so the call is devirtualised and nothing is allocated.
/// </summary>
public interface IRecordVisitor
{
    /// <summary>
    /// Called once with the record. The spans of <paramref name="record"/> are valid only during the call; the call runs
    /// under the database's read lock, so it must be short and must not call the database.
    /// </summary>
    void Visit(scoped RecordView record);
}
