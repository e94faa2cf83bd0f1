using System.Runtime.InteropServices;
using Cloud.Unum.USearch;

namespace AgentDb.Server.Bench.Ann.Candidates;

/// <summary>
/// The entry points of USearch's C library (shipped as a native asset of the <c>Cloud.Unum.USearch</c> package) that
/// the benchmark needs and the package's managed wrapper does not expose: reserving with a thread count, changing
/// the search expansion of a built index, and reporting memory use. Signatures follow <c>c/usearch.h</c> of 2.26;
/// the option struct and enums are the package's own, so their layout matches the library they ship with.
/// </summary>
/// <remarks>
/// Every function reports failure through its last argument, a pointer to a static C string (never freed by us).
/// Vectors are passed by reference to their first component: the span is pinned for the call and never copied.
/// </remarks>
internal static class USearchNative
{
    private const string Library = "libusearch_c";

    [DllImport(Library, EntryPoint = "usearch_init", CallingConvention = CallingConvention.Cdecl)]
    public static extern IntPtr Init(ref IndexOptions options, out IntPtr error);

    [DllImport(Library, EntryPoint = "usearch_free", CallingConvention = CallingConvention.Cdecl)]
    public static extern void Free(IntPtr index, out IntPtr error);

    [DllImport(Library, EntryPoint = "usearch_reserve", CallingConvention = CallingConvention.Cdecl)]
    public static extern void Reserve(IntPtr index, nuint capacity, out IntPtr error);

    [DllImport(Library, EntryPoint = "usearch_change_threads_add", CallingConvention = CallingConvention.Cdecl)]
    public static extern void ChangeThreadsAdd(IntPtr index, nuint threads, out IntPtr error);

    [DllImport(Library, EntryPoint = "usearch_change_threads_search", CallingConvention = CallingConvention.Cdecl)]
    public static extern void ChangeThreadsSearch(IntPtr index, nuint threads, out IntPtr error);

    [DllImport(Library, EntryPoint = "usearch_change_expansion_search", CallingConvention = CallingConvention.Cdecl)]
    public static extern void ChangeExpansionSearch(IntPtr index, nuint expansion, out IntPtr error);

    [DllImport(Library, EntryPoint = "usearch_add", CallingConvention = CallingConvention.Cdecl)]
    public static extern void Add(IntPtr index, ulong key, ref float vector, ScalarKind vectorKind, out IntPtr error);

    [DllImport(Library, EntryPoint = "usearch_search", CallingConvention = CallingConvention.Cdecl)]
    public static extern nuint Search(
        IntPtr index, ref float query, ScalarKind queryKind, nuint count, ref ulong keys, ref float distances, out IntPtr error);

    [DllImport(Library, EntryPoint = "usearch_memory_usage", CallingConvention = CallingConvention.Cdecl)]
    public static extern nuint MemoryUsage(IntPtr index, out IntPtr error);

    [DllImport(Library, EntryPoint = "usearch_hardware_acceleration", CallingConvention = CallingConvention.Cdecl)]
    public static extern IntPtr HardwareAcceleration(IntPtr index, out IntPtr error);

    /// <summary>Throws <see cref="USearchException"/> with the library's message when <paramref name="error"/> is set.</summary>
    public static void ThrowIfError(IntPtr error, string operation)
    {
        if (error != IntPtr.Zero)
        {
            throw new USearchException($"usearch {operation}: {Marshal.PtrToStringUTF8(error)}");
        }
    }
}
