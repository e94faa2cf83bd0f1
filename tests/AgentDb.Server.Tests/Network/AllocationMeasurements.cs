namespace AgentDb.Server.Tests.Network;

/// <summary>Tests that measure process-wide counters run after the parallel tests, one at a time.</summary>
[CollectionDefinition(nameof(AllocationMeasurements), DisableParallelization = true)]
public sealed class AllocationMeasurements;
