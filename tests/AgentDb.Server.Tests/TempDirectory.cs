namespace AgentDb.Server.Tests;

/// <summary>A fresh directory under the system temp folder, deleted (best effort) on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Path = Directory.CreateTempSubdirectory("agentdb-test-").FullName;

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A process that outlived its test may still hold a file; the OS cleans temp eventually.
        }
    }
}
