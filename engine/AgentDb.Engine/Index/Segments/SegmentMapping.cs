using System.Diagnostics;
using System.IO.MemoryMappedFiles;

namespace AgentDb.Index.Segments;

/// <summary>
/// A segment file mapped read-only into memory, as one pointer. Readers bracket every use with <see cref="Enter"/> and
/// <see cref="Exit"/>: the view's handle is reference counted, so <see cref="Dispose"/> while a search runs unmaps only
/// once the search has left (the role FASTER's epochs play), and a search after it fails cleanly.
/// </summary>
internal sealed unsafe class SegmentMapping : IDisposable
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private bool _disposed;

    private SegmentMapping(MemoryMappedFile file, MemoryMappedViewAccessor view, long length)
    {
        _file = file;
        _view = view;
        Length = length;
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        Pointer = pointer + view.PointerOffset;
    }

    public byte* Pointer { get; }

    public long Length { get; }

    /// <summary>Maps <paramref name="length"/> (positive) bytes of <paramref name="path"/>. The file may be deleted while mapped.</summary>
    public static SegmentMapping Open(string path, long length)
    {
        Debug.Assert(length > 0);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
        MemoryMappedFile? file = null;
        try
        {
            file = MemoryMappedFile.CreateFromFile(
                stream, mapName: null, capacity: 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            return new SegmentMapping(file, file.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read), length);
        }
        catch
        {
            if (file is null)
            {
                stream.Dispose();
            }
            else
            {
                file.Dispose();
            }

            throw;
        }
    }

    /// <summary><paramref name="length"/> bytes from <paramref name="offset"/>, which the caller has checked lie inside the file.</summary>
    public ReadOnlySpan<byte> Bytes(long offset, int length)
    {
        Debug.Assert(offset >= 0 && length >= 0 && offset + length <= Length);
        return new ReadOnlySpan<byte>(Pointer + offset, length);
    }

    /// <summary>Keeps the mapping alive until <see cref="Exit"/>.</summary>
    /// <exception cref="ObjectDisposedException">The mapping was disposed.</exception>
    public void Enter()
    {
        bool added = false;
        _view.SafeMemoryMappedViewHandle.DangerousAddRef(ref added);
    }

    public void Exit() => _view.SafeMemoryMappedViewHandle.DangerousRelease();

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }
}
