using Microsoft.Win32.SafeHandles;

namespace AgentDb.Log;

/// <summary>
/// Reads raw bytes of FASTER segment files, keeping each file open once opened. Used only by recovery, to look past a
/// damaged entry; never on the write path.
/// </summary>
internal sealed class SegmentFileReader : IDisposable
{
    private readonly Dictionary<string, SafeFileHandle?> _handles = new(StringComparer.Ordinal);

    /// <summary>Reads up to <c>destination.Length</c> bytes at <paramref name="offset"/>; returns how many were read (0 past the end or when the file is absent).</summary>
    public int Read(string path, long offset, Span<byte> destination)
    {
        if (!_handles.TryGetValue(path, out SafeFileHandle? handle))
        {
            handle = File.Exists(path) ? File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite) : null;
            _handles.Add(path, handle);
        }

        if (handle is null)
        {
            return 0;
        }

        int total = 0;
        while (total < destination.Length)
        {
            int read = RandomAccess.Read(handle, destination[total..], offset + total);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    public void Dispose()
    {
        foreach (SafeFileHandle? handle in _handles.Values)
        {
            handle?.Dispose();
        }

        _handles.Clear();
    }
}
