using AgentDb.Server.Bench.Ann.Running;

namespace AgentDb.Server.Bench.Ann.Reporting;

/// <summary>One benchmark run: where, on what, and what each candidate achieved.</summary>
/// <param name="StartedUtc">When the run started.</param>
/// <param name="Machine">The machine.</param>
/// <param name="Workload">The data set and sweep.</param>
/// <param name="Results">One entry per candidate, in run order.</param>
internal sealed record AnnBenchmarkReport(DateTimeOffset StartedUtc, MachineInfo Machine, AnnWorkload Workload, IReadOnlyList<CandidateResult> Results);
