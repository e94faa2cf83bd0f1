using System.Globalization;
using System.Xml;
using AgentDb.Server.Bench.Ann.Running;

namespace AgentDb.Server.Bench.Ann.Reporting;

/// <summary>
/// The recall/throughput plot as a standalone SVG, drawn without a plotting library: recall@k on a linear x axis,
/// single-thread queries per second on a log y axis, one line per candidate through its sweep in ef order, and a
/// legend. Each series is a <c>&lt;g class="series" data-candidate="NAME"&gt;</c>; each point carries a tooltip.
/// </summary>
internal static class RecallQpsSvgWriter
{
    private const double Width = 960;
    private const double Height = 600;
    private const double Left = 90;
    private const double Right = 230;
    private const double Top = 60;
    private const double Bottom = 70;
    private const string SvgNamespace = "http://www.w3.org/2000/svg";

    // Colour-blind-safe palette (Okabe–Ito), cycled when there are more series.
    private static readonly string[] s_palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"];

    /// <summary>Writes the plot of <paramref name="report"/> to <paramref name="path"/>.</summary>
    public static void Write(AnnBenchmarkReport report, string path)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
        Write(report, stream);
    }

    /// <summary>Writes the plot of <paramref name="report"/> to <paramref name="stream"/>.</summary>
    public static void Write(AnnBenchmarkReport report, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(report);
        string title = $"recall@{report.Workload.K} vs queries/s (1 thread): {report.Workload.Name}, "
            + $"{report.Workload.Base.Count:N0} x {report.Workload.Base.Dimension}, {Data.GroundTruthCache.MetricName(report.Workload.Metric)}";
        Write(report.Results, title, $"recall@{report.Workload.K}", stream);
    }

    /// <summary>Writes a plot of the sweeps of <paramref name="results"/> to <paramref name="stream"/>.</summary>
    public static void Write(IReadOnlyList<CandidateResult> results, string title, string xLabel, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(results);
        var (xMin, xMax) = RecallDomain(results);
        var (yMinDecade, yMaxDecade) = QpsDecades(results);
        double plotWidth = Width - Left - Right;
        double plotHeight = Height - Top - Bottom;
        double X(double recall) => Left + ((Math.Clamp(recall, xMin, xMax) - xMin) / (xMax - xMin) * plotWidth);
        double Y(double qps) => Top + plotHeight - ((Math.Log10(Math.Max(qps, 1e-9)) - yMinDecade) / (yMaxDecade - yMinDecade) * plotHeight);

        using var xml = XmlWriter.Create(stream, new XmlWriterSettings { Indent = true, CloseOutput = false, Encoding = new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false) });
        xml.WriteStartDocument();
        xml.WriteStartElement("svg", SvgNamespace);
        xml.WriteAttributeString("width", Num(Width));
        xml.WriteAttributeString("height", Num(Height));
        xml.WriteAttributeString("viewBox", $"0 0 {Num(Width)} {Num(Height)}");
        xml.WriteAttributeString("font-family", "sans-serif");
        xml.WriteAttributeString("font-size", "12");

        Element(xml, "rect", ("x", "0"), ("y", "0"), ("width", Num(Width)), ("height", Num(Height)), ("fill", "white"));
        Text(xml, Width / 2, 28, title, ("text-anchor", "middle"), ("font-size", "15"), ("font-weight", "bold"));

        // Grid and ticks.
        xml.WriteStartElement("g");
        xml.WriteAttributeString("class", "axes");
        double step = RecallStep(xMax - xMin);
        for (int i = 0; ; i++)
        {
            double recall = xMin + (i * step);
            if (recall > xMax + 1e-9)
            {
                break;
            }

            double x = X(recall);
            Element(xml, "line", ("x1", Num(x)), ("y1", Num(Top)), ("x2", Num(x)), ("y2", Num(Top + plotHeight)), ("stroke", "#e0e0e0"));
            Text(xml, x, Top + plotHeight + 18, recall.ToString(step < 0.1 - 1e-9 ? "F2" : "F1", CultureInfo.InvariantCulture), ("text-anchor", "middle"));
        }

        bool minorLabels = yMaxDecade - yMinDecade <= 2;
        for (int decade = yMinDecade; decade <= yMaxDecade; decade++)
        {
            foreach (int multiple in decade == yMaxDecade ? [1] : new[] { 1, 2, 5 })
            {
                double qps = multiple * Math.Pow(10, decade);
                double y = Y(qps);
                bool major = multiple == 1;
                Element(xml, "line", ("x1", Num(Left)), ("y1", Num(y)), ("x2", Num(Left + plotWidth)), ("y2", Num(y)), ("stroke", major ? "#d0d0d0" : "#f0f0f0"));
                if (major || minorLabels)
                {
                    Text(xml, Left - 8, y + 4, QpsLabel(qps), ("text-anchor", "end"));
                }
            }
        }

        Element(xml, "rect", ("x", Num(Left)), ("y", Num(Top)), ("width", Num(plotWidth)), ("height", Num(plotHeight)), ("fill", "none"), ("stroke", "#333"));
        Text(xml, Left + (plotWidth / 2), Height - 22, xLabel, ("text-anchor", "middle"), ("font-size", "13"));
        double yLabelX = 24;
        double yLabelY = Top + (plotHeight / 2);
        Text(xml, yLabelX, yLabelY, "queries per second, 1 thread (log scale)", ("text-anchor", "middle"), ("font-size", "13"), ("transform", $"rotate(-90 {Num(yLabelX)} {Num(yLabelY)})"));
        xml.WriteEndElement();

        // One series per candidate.
        for (int s = 0; s < results.Count; s++)
        {
            CandidateResult result = results[s];
            string colour = s_palette[s % s_palette.Length];
            xml.WriteStartElement("g");
            xml.WriteAttributeString("class", "series");
            xml.WriteAttributeString("data-candidate", result.Name);
            xml.WriteAttributeString("stroke", colour);
            xml.WriteAttributeString("fill", colour);
            if (result.Sweep.Count > 1)
            {
                string points = string.Join(' ', result.Sweep.Select(p => $"{Num(X(p.Recall))},{Num(Y(p.QueriesPerSecond))}"));
                Element(xml, "polyline", ("points", points), ("fill", "none"), ("stroke-width", "2"));
            }

            foreach (SweepPoint point in result.Sweep)
            {
                xml.WriteStartElement("circle");
                xml.WriteAttributeString("cx", Num(X(point.Recall)));
                xml.WriteAttributeString("cy", Num(Y(point.QueriesPerSecond)));
                xml.WriteAttributeString("r", "4");
                string ef = point.Ef == 0 ? "exact" : $"ef={point.Ef}";
                xml.WriteElementString("title", SvgNamespace, $"{result.Name} {ef}: recall {point.Recall:F4}, {point.QueriesPerSecond:N0} queries/s");
                xml.WriteEndElement();
            }

            xml.WriteEndElement();
        }

        // Legend, right of the plot.
        xml.WriteStartElement("g");
        xml.WriteAttributeString("class", "legend");
        double legendX = Left + plotWidth + 20;
        for (int s = 0; s < results.Count; s++)
        {
            string colour = s_palette[s % s_palette.Length];
            double y = Top + 10 + (s * 22);
            Element(xml, "line", ("x1", Num(legendX)), ("y1", Num(y)), ("x2", Num(legendX + 24)), ("y2", Num(y)), ("stroke", colour), ("stroke-width", "2"));
            Element(xml, "circle", ("cx", Num(legendX + 12)), ("cy", Num(y)), ("r", "4"), ("fill", colour));
            Text(xml, legendX + 32, y + 4, results[s].Name);
        }

        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteEndDocument();
    }

    /// <summary>The x range: from the lowest recall rounded down to a tenth (at most 0.9) up to 1.</summary>
    internal static (double Min, double Max) RecallDomain(IReadOnlyList<CandidateResult> results)
    {
        double lowest = 1;
        foreach (CandidateResult result in results)
        {
            foreach (SweepPoint point in result.Sweep)
            {
                lowest = Math.Min(lowest, point.Recall);
            }
        }

        return (Math.Min(0.9, Math.Floor(Math.Max(0, lowest) * 10) / 10), 1.0);
    }

    /// <summary>The y range in whole decades of queries per second covering every point.</summary>
    internal static (int MinDecade, int MaxDecade) QpsDecades(IReadOnlyList<CandidateResult> results)
    {
        double lowest = double.PositiveInfinity;
        double highest = 0;
        foreach (CandidateResult result in results)
        {
            foreach (SweepPoint point in result.Sweep)
            {
                if (point.QueriesPerSecond > 0 && double.IsFinite(point.QueriesPerSecond))
                {
                    lowest = Math.Min(lowest, point.QueriesPerSecond);
                    highest = Math.Max(highest, point.QueriesPerSecond);
                }
            }
        }

        if (highest == 0)
        {
            return (0, 1);
        }

        int min = (int)Math.Floor(Math.Log10(lowest));
        int max = (int)Math.Ceiling(Math.Log10(highest));
        return (min, Math.Max(max, min + 1));
    }

    private static double RecallStep(double range) => range > 0.45 ? 0.1 : range > 0.15 ? 0.05 : 0.01;

    private static string QpsLabel(double qps) => qps switch
    {
        >= 1e6 => (qps / 1e6).ToString("0.##", CultureInfo.InvariantCulture) + "M",
        >= 1e3 => (qps / 1e3).ToString("0.##", CultureInfo.InvariantCulture) + "k",
        _ => qps.ToString("0.##", CultureInfo.InvariantCulture),
    };

    private static string Num(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static void Element(XmlWriter xml, string name, params (string Name, string Value)[] attributes)
    {
        xml.WriteStartElement(name, SvgNamespace);
        foreach (var (attribute, value) in attributes)
        {
            xml.WriteAttributeString(attribute, value);
        }

        xml.WriteEndElement();
    }

    private static void Text(XmlWriter xml, double x, double y, string text, params (string Name, string Value)[] attributes)
    {
        xml.WriteStartElement("text", SvgNamespace);
        xml.WriteAttributeString("x", Num(x));
        xml.WriteAttributeString("y", Num(y));
        xml.WriteAttributeString("stroke", "none");
        foreach (var (attribute, value) in attributes)
        {
            xml.WriteAttributeString(attribute, value);
        }

        xml.WriteString(text);
        xml.WriteEndElement();
    }
}
