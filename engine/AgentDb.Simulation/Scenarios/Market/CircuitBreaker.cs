namespace AgentDb.Simulation.Scenarios.Market;

/// <summary>
/// Halts trading for <see cref="HaltTicks"/> ticks when the price moves by more than <see cref="Threshold"/> (a
/// fraction, up or down) against any price of the last <see cref="WindowTicks"/> ticks. After a halt the window starts
/// afresh from the price trading resumes at.
/// </summary>
internal sealed class CircuitBreaker
{
    private readonly long[] _window;
    private int _count;
    private int _next;
    private int _haltedUntil = int.MinValue;

    /// <summary>Creates a breaker.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is not positive.</exception>
    public CircuitBreaker(double threshold, int windowTicks, int haltTicks)
    {
        if (!(threshold > 0) || !double.IsFinite(threshold))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The threshold must be a positive fraction.");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(windowTicks, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(haltTicks, 1);
        Threshold = threshold;
        WindowTicks = windowTicks;
        HaltTicks = haltTicks;
        _window = new long[windowTicks];
    }

    /// <summary>The move (a fraction) that trips the breaker.</summary>
    public double Threshold { get; }

    /// <summary>The ticks the move is measured over.</summary>
    public int WindowTicks { get; }

    /// <summary>The ticks a halt lasts.</summary>
    public int HaltTicks { get; }

    /// <summary>How often the breaker tripped.</summary>
    public int Trips { get; private set; }

    /// <summary>Whether trading is halted at <paramref name="tick"/>.</summary>
    public bool IsHalted(int tick) => tick < _haltedUntil;

    /// <summary>Records the price at the end of <paramref name="tick"/>; returns true when it trips the breaker (trading
    /// is then halted for the next <see cref="HaltTicks"/> ticks).</summary>
    public bool Observe(int tick, long priceCents)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(priceCents, 1);
        for (int i = 0; i < _count; i++)
        {
            long reference = _window[i];
            if (Math.Abs(priceCents - reference) > Threshold * reference)
            {
                Trips++;
                _haltedUntil = tick + 1 + HaltTicks;
                _count = 0;
                _next = 0;
                return true;
            }
        }
        _window[_next] = priceCents;
        _next = (_next + 1) % _window.Length;
        _count = Math.Min(_count + 1, _window.Length);
        return false;
    }
}
