namespace AgentDb.Simulation.Scenarios.Market;

/// <summary>A trader's cash and shares, and the parts of them that its resting orders hold. Amounts in cents.</summary>
internal sealed class TraderAccount
{
    /// <summary>Creates an account.</summary>
    public TraderAccount(long cashCents, long shares)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cashCents);
        ArgumentOutOfRangeException.ThrowIfNegative(shares);
        CashCents = cashCents;
        Shares = shares;
    }

    /// <summary>Cash held, in cents (including what resting buy orders reserve).</summary>
    public long CashCents { get; internal set; }

    /// <summary>Shares held (including what resting sell orders reserve).</summary>
    public long Shares { get; internal set; }

    /// <summary>Cash reserved by resting buy orders (limit × unfilled quantity).</summary>
    public long ReservedCashCents { get; internal set; }

    /// <summary>Shares reserved by resting sell orders.</summary>
    public long ReservedShares { get; internal set; }

    /// <summary>Cash not reserved.</summary>
    public long AvailableCashCents => CashCents - ReservedCashCents;

    /// <summary>Shares not reserved.</summary>
    public long AvailableShares => Shares - ReservedShares;

    /// <summary>The account's value marked to <paramref name="priceCents"/>.</summary>
    public long MarkToMarketCents(long priceCents) => CashCents + Shares * priceCents;
}
