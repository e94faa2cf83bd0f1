using System.Globalization;

namespace AgentDb.Simulation.Stress.Plot;

/// <summary>
/// Draws the stress matrix: two panels, throughput (ops/s) and p99 latency (ms) against the number of agents (log
/// scale), one line per concurrency in its own colour, with a legend.
/// </summary>
internal static class StressPlot
{
    /// <summary>Image width in pixels.</summary>
    public const int Width = 1000;

    /// <summary>Image height in pixels.</summary>
    public const int Height = 900;

    private const int Scale = 2;
    private const int MarginLeft = 120;
    private const int MarginRight = 170;
    private const int PanelTop = 70;
    private const int PanelHeight = 320;
    private const int PanelGap = 110;
    private const int YTicks = 5;

    private static readonly Rgb s_axis = new(40, 40, 40);
    private static readonly Rgb s_grid = new(225, 225, 225);

    /// <summary>Distinct line colours, one per concurrency in ascending order (repeating after eight).</summary>
    internal static readonly Rgb[] Palette =
    [
        new(31, 119, 180), new(255, 127, 14), new(44, 160, 44), new(214, 39, 40),
        new(148, 103, 189), new(140, 86, 75), new(227, 119, 194), new(23, 190, 207),
    ];

    /// <summary>Renders <paramref name="cells"/>; <paramref name="title"/> heads the image.</summary>
    public static RgbImage Render(IReadOnlyList<StressCellResult> cells, string title)
    {
        ArgumentNullException.ThrowIfNull(cells);
        ArgumentNullException.ThrowIfNull(title);
        var image = new RgbImage(Width, Height, Rgb.White);
        image.DrawText(MarginLeft, 20, title, s_axis, Scale);

        var agents = new SortedSet<int>();
        var concurrencies = new SortedSet<int>();
        foreach (var cell in cells)
        {
            agents.Add(cell.Agents);
            concurrencies.Add(cell.Concurrency);
        }
        DrawPanel(image, PanelTop, "THROUGHPUT (OPS/S)", cells, agents, concurrencies, static c => c.Throughput);
        DrawPanel(image, PanelTop + PanelHeight + PanelGap, "P99 LATENCY (MS)", cells, agents, concurrencies, static c => c.P99Ms);

        // Legend, right of the panels.
        var legendX = Width - MarginRight + 30;
        var legendY = PanelTop;
        image.DrawText(legendX, legendY, "CONC.", s_axis, Scale);
        var index = 0;
        foreach (var concurrency in concurrencies)
        {
            var y = legendY + 30 + (index * 26);
            var colour = Palette[index % Palette.Length];
            image.FillRectangle(legendX, y + 3, 24, 6, colour);
            image.DrawText(legendX + 32, y, concurrency.ToString(CultureInfo.InvariantCulture), s_axis, Scale);
            index++;
        }
        return image;
    }

    private static void DrawPanel(
        RgbImage image, int top, string label, IReadOnlyList<StressCellResult> cells, SortedSet<int> agents,
        SortedSet<int> concurrencies, Func<StressCellResult, double> value)
    {
        var left = MarginLeft;
        var right = Width - MarginRight;
        var bottom = top + PanelHeight;

        var max = 0.0;
        foreach (var cell in cells)
        {
            var v = value(cell);
            if (double.IsFinite(v))
            {
                max = Math.Max(max, v);
            }
        }
        var yMax = NiceCeiling(max);

        // Grid and y labels.
        for (var tick = 0; tick <= YTicks; tick++)
        {
            var y = bottom - (int)Math.Round((double)tick / YTicks * PanelHeight);
            image.DrawLine(left, y, right, y, s_grid);
            var text = FormatTick(yMax * tick / YTicks);
            image.DrawText(left - 10 - RgbImage.TextWidth(text, Scale), y - 7, text, s_axis, Scale);
        }

        // X ticks at each number of agents (log scale).
        var minAgents = agents.Count == 0 ? 1 : agents.Min;
        var maxAgents = agents.Count == 0 ? 10 : agents.Max;
        foreach (var a in agents)
        {
            var x = XFor(a, minAgents, maxAgents, left, right);
            image.DrawLine(x, top, x, bottom, s_grid);
            image.DrawLine(x, bottom, x, bottom + 6, s_axis, 2);
            var text = a.ToString(CultureInfo.InvariantCulture);
            image.DrawText(x - (RgbImage.TextWidth(text, Scale) / 2), bottom + 12, text, s_axis, Scale);
        }

        // Axes and labels.
        image.DrawLine(left, top, left, bottom, s_axis, 2);
        image.DrawLine(left, bottom, right, bottom, s_axis, 2);
        image.DrawText(left, top - 24, label, s_axis, Scale);
        const string xLabel = "AGENTS (LOG SCALE)";
        image.DrawText(((left + right) / 2) - (RgbImage.TextWidth(xLabel, Scale) / 2), bottom + 36, xLabel, s_axis, Scale);

        // One polyline per concurrency, points as small squares.
        var index = 0;
        foreach (var concurrency in concurrencies)
        {
            var colour = Palette[index % Palette.Length];
            index++;
            var points = new List<(int X, int Y)>();
            foreach (var a in agents)
            {
                foreach (var cell in cells)
                {
                    if (cell.Agents == a && cell.Concurrency == concurrency && double.IsFinite(value(cell)))
                    {
                        var x = XFor(a, minAgents, maxAgents, left, right);
                        var y = bottom - (int)Math.Round(Math.Clamp(value(cell) / yMax, 0, 1) * PanelHeight);
                        points.Add((x, y));
                        break;
                    }
                }
            }
            for (var i = 0; i < points.Count; i++)
            {
                image.FillRectangle(points[i].X - 4, points[i].Y - 4, 9, 9, colour);
                if (i > 0)
                {
                    image.DrawLine(points[i - 1].X, points[i - 1].Y, points[i].X, points[i].Y, colour, 3);
                }
            }
        }
    }

    /// <summary>The x pixel of <paramref name="agents"/> on a log scale spanning [min, max] (centred when they are equal).</summary>
    private static int XFor(int agents, int min, int max, int left, int right)
    {
        const int inset = 30;
        if (max <= min)
        {
            return (left + right) / 2;
        }
        var fraction = (Math.Log10(agents) - Math.Log10(min)) / (Math.Log10(max) - Math.Log10(min));
        return left + inset + (int)Math.Round(fraction * (right - left - (2 * inset)));
    }

    /// <summary>1, 2, 2.5 or 5 times a power of ten, at least <paramref name="value"/> (1 for zero or less).</summary>
    internal static double NiceCeiling(double value)
    {
        if (!(value > 0))
        {
            return 1;
        }
        var power = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (var step in (ReadOnlySpan<double>)[1, 2, 2.5, 5, 10])
        {
            if (step * power >= value)
            {
                return step * power;
            }
        }
        return 10 * power;
    }

    private static string FormatTick(double value) =>
        value >= 1_000_000 ? (value / 1_000_000).ToString("0.##", CultureInfo.InvariantCulture) + "M"
        : value >= 10_000 ? (value / 1_000).ToString("0.##", CultureInfo.InvariantCulture) + "K"
        : value.ToString(value >= 10 ? "0" : "0.##", CultureInfo.InvariantCulture);
}
