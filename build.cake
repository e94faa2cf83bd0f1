// Build script for AgentDb.Engine. Usage (from the repository root):
//   dotnet tool restore                     # once: installs Cake from .config/dotnet-tools.json
//   dotnet cake                             # Default = CI: Restore, Build, Test
//   dotnet cake --target=Build              # any task below: Clean, Restore, Build, Test, Bench, Pack, CI
//   dotnet cake --configuration=Debug       # Release by default
//   dotnet cake --target=Bench --bench-filter='*Distance*'   # BenchmarkDotNet --job short --filter <value>

var target = Argument("target", "Default");
var configuration = Argument("configuration", "Release");
var benchFilter = Argument("bench-filter", "*");

var solution = File("./AgentDb.Engine.sln");
var benchProject = File("./bench/AgentDb.Bench/AgentDb.Bench.csproj");
var artifacts = Directory("./artifacts");

Task("Clean")
    .Description("Removes build outputs of every project and the artifacts folder.")
    .Does(() =>
{
    DotNetClean(solution, new DotNetCleanSettings { Configuration = configuration });
    CleanDirectory(artifacts);
});

Task("Restore")
    .Description("Restores NuGet packages for the solution.")
    .Does(() =>
{
    DotNetRestore(solution);
});

Task("Build")
    .Description("Builds the solution (warnings are errors).")
    .IsDependentOn("Restore")
    .Does(() =>
{
    DotNetBuild(solution, new DotNetBuildSettings
    {
        Configuration = configuration,
        NoRestore = true,
    });
});

Task("Test")
    .Description("Runs every test project of the solution.")
    .IsDependentOn("Build")
    .Does(() =>
{
    DotNetTest(solution, new DotNetTestSettings
    {
        Configuration = configuration,
        NoRestore = true,
        NoBuild = true,
    });
});

Task("Bench")
    .Description("Runs the BenchmarkDotNet suite in Release with a short job; --bench-filter selects benchmarks.")
    .IsDependentOn("Restore")
    .Does(() =>
{
    // Benchmarks are meaningful only in Release, whatever --configuration says.
    var arguments = new ProcessArgumentBuilder()
        .Append("--job").Append("short")
        .Append("--filter").AppendQuoted(benchFilter);
    DotNetRun(benchProject, arguments, new DotNetRunSettings
    {
        Configuration = "Release",
        NoRestore = true,
    });
});

Task("Pack")
    .Description("Packs the packable projects (engine, wire, client, the agentdb tool) into ./artifacts.")
    .IsDependentOn("Build")
    .Does(() =>
{
    DotNetPack(solution, new DotNetPackSettings
    {
        Configuration = configuration,
        NoRestore = true,
        NoBuild = true,
        OutputDirectory = artifacts,
    });
});

Task("CI")
    .Description("What CI needs: Restore, Build, Test.")
    .IsDependentOn("Restore")
    .IsDependentOn("Build")
    .IsDependentOn("Test");

Task("Default")
    .IsDependentOn("CI");

RunTarget(target);
