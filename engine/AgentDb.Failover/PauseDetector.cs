using System.Diagnostics;

namespace AgentDb.Failover;

/// <summary>
/// Notices that this process stopped running for a while (SIGSTOP, a long GC pause, a starved machine) on the monotonic
/// clock (<see cref="Stopwatch.GetTimestamp"/>), so the leader lease is not trusted right after one: DotNext cancels its
/// lease token from a timer, which a resumed process may not have run yet when it answers a write. A ticker calls
/// <see cref="Observe"/> every few milliseconds; <see cref="IsPaused"/> is true when the last tick is older than the
/// threshold (the ticker has not run since the process resumed) or when a gap above the threshold ended less than the
/// fence time ago. Thread-safe.
/// </summary>
public sealed class PauseDetector
{
    private readonly long _threshold;
    private readonly long _fence;
    private long _lastTick;
    private long _fencedUntil;
    private long _pauses;

    /// <param name="threshold">A gap between two ticks above this is a pause.</param>
    /// <param name="fence">How long after a pause ended <see cref="IsPaused"/> stays true.</param>
    /// <param name="now">The monotonic time of creation (<see cref="Stopwatch.GetTimestamp"/> units): the first tick.</param>
    public PauseDetector(TimeSpan threshold, TimeSpan fence, long now)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(threshold, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(fence, TimeSpan.Zero);
        _threshold = (long)(threshold.TotalSeconds * Stopwatch.Frequency);
        _fence = (long)(fence.TotalSeconds * Stopwatch.Frequency);
        _lastTick = now;
    }

    /// <summary>Pauses noticed so far.</summary>
    public long Pauses => Interlocked.Read(ref _pauses);

    /// <summary>Records a tick at <paramref name="now"/>; returns the length of the pause that just ended, or zero.</summary>
    public TimeSpan Observe(long now)
    {
        var last = Interlocked.Exchange(ref _lastTick, now);
        var gap = now - last;
        if (gap <= _threshold)
        {
            return TimeSpan.Zero;
        }
        Interlocked.Exchange(ref _fencedUntil, now + _fence);
        Interlocked.Increment(ref _pauses);
        return TimeSpan.FromSeconds((double)gap / Stopwatch.Frequency);
    }

    /// <summary>True when the process may have just been paused: no tick within the threshold, or a pause ended less than the fence time ago.</summary>
    public bool IsPaused(long now) => now - Interlocked.Read(ref _lastTick) > _threshold || now < Interlocked.Read(ref _fencedUntil);
}
