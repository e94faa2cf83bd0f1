namespace AgentDb.Simulation.Scenarios.Market;

/// <summary>Flags herding: more than <see cref="Threshold"/> of all traders placing orders on the same side in one tick.</summary>
internal sealed class HerdingDetector
{
    /// <summary>Creates a detector (the scenario uses 0.6).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The threshold is not in [0.5, 1).</exception>
    public HerdingDetector(double threshold = 0.6)
    {
        if (!(threshold >= 0.5 && threshold < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The threshold must be in [0.5, 1).");
        }
        Threshold = threshold;
    }

    /// <summary>The fraction of traders on one side above which a tick counts as herding.</summary>
    public double Threshold { get; }

    /// <summary>Ticks flagged so far.</summary>
    public int HerdingTicks { get; private set; }

    /// <summary>Ticks flagged with the crowd buying.</summary>
    public int BuyHerdingTicks { get; private set; }

    /// <summary>Ticks flagged with the crowd selling.</summary>
    public int SellHerdingTicks { get; private set; }

    /// <summary>Whether <paramref name="buyers"/> or <paramref name="sellers"/> out of <paramref name="traders"/> exceed
    /// the threshold.</summary>
    public bool IsHerding(int buyers, int sellers, int traders)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(buyers);
        ArgumentOutOfRangeException.ThrowIfNegative(sellers);
        ArgumentOutOfRangeException.ThrowIfLessThan(traders, 1);
        if (buyers + sellers > traders)
        {
            throw new ArgumentException("More traders on the two sides than traders.", nameof(sellers));
        }
        return buyers > Threshold * traders || sellers > Threshold * traders;
    }

    /// <summary>Records one tick's sides; returns whether it was herding.</summary>
    public bool Observe(int buyers, int sellers, int traders)
    {
        if (!IsHerding(buyers, sellers, traders))
        {
            return false;
        }
        HerdingTicks++;
        if (buyers > sellers)
        {
            BuyHerdingTicks++;
        }
        else
        {
            SellHerdingTicks++;
        }
        return true;
    }
}
