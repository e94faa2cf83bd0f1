namespace AgentDb.Server.Tests.Replication;

/// <summary>
/// The three-process failover tests run alone, one after another: their timing (Raft election timeouts of 150–300 ms)
/// does not survive sharing two cores with another cluster of three.
/// </summary>
[CollectionDefinition(nameof(FailoverClusterCollection), DisableParallelization = true)]
public sealed class FailoverClusterCollection;
