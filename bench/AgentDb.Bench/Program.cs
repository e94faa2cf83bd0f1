using BenchmarkDotNet.Running;

// Every benchmark class in this assembly; pick with --filter, e.g. --filter '*Kernel*'. See docs/BENCHMARKS.md.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
