namespace AgentDb.Simulation.Scenarios.Market;

/// <summary>
/// Embeds a trader's view of the market (recent returns, volatility, last session's herding and order imbalance, its own
/// position, its temperament and its strategy) into the memory's vector space by a fixed random projection, L2-normalised, so that
/// similar market states of the same strategy are near each other. Deterministic for a seed.
/// </summary>
internal sealed class MarketStateEncoder
{
    /// <summary>Features before projection.</summary>
    public const int FeatureCount = 9 + 5;

    private readonly float[][] _projection;

    /// <summary>Creates an encoder for vectors of <paramref name="dimension"/> floats, its projection drawn from <paramref name="random"/>.</summary>
    public MarketStateEncoder(int dimension, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ArgumentNullException.ThrowIfNull(random);
        Dimension = dimension;
        _projection = new float[FeatureCount][];
        for (int f = 0; f < FeatureCount; f++)
        {
            _projection[f] = Voting.PreferenceSpace.Gaussian(random, dimension);
        }
    }

    /// <summary>The output dimension.</summary>
    public int Dimension { get; }

    /// <summary>The state vector.</summary>
    /// <param name="prices">Tick prices so far (at least one).</param>
    /// <param name="herdingFraction">Last session's fraction of herding ticks.</param>
    /// <param name="imbalance">Last session's (buy orders − sell orders) / orders, in [-1, 1].</param>
    /// <param name="stockFraction">The trader's wealth fraction held in the stock, in [0, 1].</param>
    /// <param name="temperament">The trader's own fixed trait in [-1, 1] (so that no two traders' states coincide: exact
    /// ties would make the nearest-K retrieval depend on the order the episodes were stored in).</param>
    /// <param name="strategy">The trader's strategy.</param>
    public float[] Encode(IReadOnlyList<long> prices, double herdingFraction, double imbalance, double stockFraction, double temperament,
        TradingStrategy strategy)
    {
        ArgumentNullException.ThrowIfNull(prices);
        Span<double> x = stackalloc double[FeatureCount];
        x[0] = 1;
        x[1] = 50 * Return(prices, 1);
        x[2] = 30 * Return(prices, 5);
        x[3] = 15 * Return(prices, 20);
        x[4] = 200 * Volatility(prices, 20);
        x[5] = 2 * herdingFraction;
        x[6] = imbalance;
        x[7] = 2 * (stockFraction - 0.5);
        x[8] = 0.5 * temperament;
        x[9 + (int)strategy] = 2;

        var v = new float[Dimension];
        for (int f = 0; f < FeatureCount; f++)
        {
            float w = (float)x[f];
            if (w == 0)
            {
                continue;
            }
            var row = _projection[f];
            for (int i = 0; i < v.Length; i++)
            {
                v[i] += w * row[i];
            }
        }
        Voting.PreferenceSpace.Normalize(v);
        return v;
    }

    /// <summary>The return over the last <paramref name="ticks"/> ticks (0 when there are fewer).</summary>
    public static double Return(IReadOnlyList<long> prices, int ticks)
    {
        int n = prices.Count;
        if (n <= ticks)
        {
            return 0;
        }
        return (prices[n - 1] - prices[n - 1 - ticks]) / (double)prices[n - 1 - ticks];
    }

    private static double Volatility(IReadOnlyList<long> prices, int ticks)
    {
        int n = prices.Count;
        int m = Math.Min(ticks, n - 1);
        if (m < 2)
        {
            return 0;
        }
        double sum = 0;
        double sumSq = 0;
        for (int i = n - m; i < n; i++)
        {
            double r = (prices[i] - prices[i - 1]) / (double)prices[i - 1];
            sum += r;
            sumSq += r * r;
        }
        double mean = sum / m;
        return Math.Sqrt(Math.Max(0, sumSq / m - mean * mean));
    }
}
