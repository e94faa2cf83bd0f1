namespace AgentDb.Simulation.Scenarios.Market;

/// <summary>
/// Flags a flash crash when the price falls more than <see cref="DropThreshold"/> (a fraction) below the highest price
/// of the last <see cref="WindowTicks"/> ticks. One crash is one event: the detector re-arms only once the price is
/// back above the crash threshold of the current window.
/// </summary>
internal sealed class FlashCrashDetector
{
    private readonly long[] _window;
    private int _count;
    private int _next;
    private bool _inCrash;

    /// <summary>Creates a detector.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range.</exception>
    public FlashCrashDetector(double dropThreshold, int windowTicks)
    {
        if (!(dropThreshold > 0 && dropThreshold < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(dropThreshold), dropThreshold, "The drop must be a fraction between 0 and 1.");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(windowTicks, 1);
        DropThreshold = dropThreshold;
        WindowTicks = windowTicks;
        _window = new long[windowTicks];
    }

    /// <summary>The fall (a fraction of the window's high) that counts as a crash.</summary>
    public double DropThreshold { get; }

    /// <summary>The ticks the high is taken over.</summary>
    public int WindowTicks { get; }

    /// <summary>Flash crashes detected so far.</summary>
    public int Events { get; private set; }

    /// <summary>Records the price at the end of a tick; returns true when it starts a flash crash.</summary>
    public bool Observe(long priceCents)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(priceCents, 1);
        long high = priceCents;
        for (int i = 0; i < _count; i++)
        {
            high = Math.Max(high, _window[i]);
        }
        _window[_next] = priceCents;
        _next = (_next + 1) % _window.Length;
        _count = Math.Min(_count + 1, _window.Length);

        bool crashed = priceCents < high * (1 - DropThreshold);
        if (crashed && !_inCrash)
        {
            _inCrash = true;
            Events++;
            return true;
        }
        if (!crashed)
        {
            _inCrash = false;
        }
        return false;
    }
}
