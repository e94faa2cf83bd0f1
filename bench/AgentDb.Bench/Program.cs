using AgentDb.Bench.Memory;
using AgentDb.Bench.Replication;
using AgentDb.Bench.Storage;
using BenchmarkDotNet.Running;

// "storage": the timed storage ingest/read harness (see Storage/StorageBenchmark.cs).
// "reopen": open time with index segments against a rebuild (see Storage/ReopenBenchmark.cs).
// "memory": the timed reflexion/skills harness (see Memory/MemoryBenchmark.cs).
// "replication": replication lag between two agentdb processes (see Replication/ReplicationLagBenchmark.cs).
// "causal": the timed causal-memory harness (see Memory/CausalBenchmark.cs).
// Anything else: every BenchmarkDotNet class in this assembly; pick with --filter, e.g. --filter '*Kernel*'. See docs/BENCHMARKS.md.
if (args.Length > 0 && args[0] == "storage")
{
    return StorageBenchmark.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "reopen")
{
    return ReopenBenchmark.Run(args[1..]);
}

// "filter": a selective payload-equality filtered search with and without a payload index (see Storage/FilteredSearchBenchmark.cs).
if (args.Length > 0 && args[0] == "filter")
{
    return FilteredSearchBenchmark.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "replication")
{
    return await ReplicationLagBenchmark.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "memory")
{
    return MemoryBenchmark.Run(args[1..]);
}

// "recorduse": concurrent RecordUse on one skill, sync against async (see Memory/RecordUseBenchmark.cs).
if (args.Length > 0 && args[0] == "recorduse")
{
    return RecordUseBenchmark.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "causal")
{
    return CausalBenchmark.Run(args[1..]);
}

// "embed-batch": MiniLM one text per call against batches of 32, interleaved per round (see Memory/EmbeddingBatchBenchmark.cs).
if (args.Length > 0 && args[0] == "embed-batch")
{
    return EmbeddingBatchBenchmark.Run(args[1..]);
}

// "graph": the timed graph store harness (see Memory/GraphBenchmark.cs).
if (args.Length > 0 && args[0] == "graph")
{
    return GraphBenchmark.Run(args[1..]);
}

// "simulate-scenarios": voting-consensus and stock-market throughput through the simulation runner (see Simulation/ScenarioBenchmark.cs).
if (args.Length > 0 && args[0] == "simulate-scenarios")
{
    return await AgentDb.Bench.Simulation.ScenarioBenchmark.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
