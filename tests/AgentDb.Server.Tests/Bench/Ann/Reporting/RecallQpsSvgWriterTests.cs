using System.Globalization;
using System.Xml.Linq;
using AgentDb.Server.Bench.Ann.Reporting;
using AgentDb.Server.Bench.Ann.Running;

namespace AgentDb.Server.Tests.Bench.Ann.Reporting;

public sealed class RecallQpsSvgWriterTests
{
    private static readonly XNamespace s_svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void Write_ProducesWellFormedSvgWithOneSeriesPerCandidate()
    {
        CandidateResult[] results =
        [
            Result("brute-force", (0, 1.0, 800)),
            Result("usearch", (16, 0.71, 40_000), (64, 0.93, 15_000), (256, 0.995, 4_000)),
            Result("hnswlib", (16, 0.70, 45_000), (64, 0.92, 16_000)),
        ];

        XDocument document = Render(results);

        XElement root = document.Root!;
        Assert.Equal(s_svg + "svg", root.Name);
        var series = root.Descendants(s_svg + "g").Where(g => (string?)g.Attribute("class") == "series").ToList();
        Assert.Equal(["brute-force", "usearch", "hnswlib"], series.Select(g => (string)g.Attribute("data-candidate")!));
        Assert.Equal([1, 3, 2], series.Select(g => g.Elements(s_svg + "circle").Count()));

        // A single point is a marker; a sweep is also a line through its points.
        Assert.Empty(series[0].Elements(s_svg + "polyline"));
        Assert.Equal(3, series[1].Element(s_svg + "polyline")!.Attribute("points")!.Value.Split(' ').Length);
        Assert.Contains("usearch ef=64: recall 0.9300", series[1].Descendants(s_svg + "title").Select(t => t.Value).ToList()[1]);

        XElement legend = root.Descendants(s_svg + "g").Single(g => (string?)g.Attribute("class") == "legend");
        Assert.Equal(["brute-force", "usearch", "hnswlib"], legend.Elements(s_svg + "text").Select(t => t.Value));
    }

    [Fact]
    public void Write_PlacesHigherQpsHigherOnALogScale()
    {
        XDocument document = Render([Result("a", (16, 0.9, 100_000), (32, 0.95, 10_000), (64, 0.99, 1_000))]);

        double[] ys = document.Descendants(s_svg + "circle")
            .Where(c => c.Parent!.Attribute("class")?.Value == "series")
            .Select(c => double.Parse(c.Attribute("cy")!.Value, CultureInfo.InvariantCulture))
            .ToArray();

        // SVG y grows downwards; equal ratios of QPS are equal distances on a log axis.
        Assert.True(ys[0] < ys[1] && ys[1] < ys[2]);
        Assert.Equal(ys[1] - ys[0], ys[2] - ys[1], 1);
    }

    [Fact]
    public void Write_EscapesNamesThatAreNotXmlSafe()
    {
        XDocument document = Render([Result("a<b>&\"c\"", (16, 0.5, 10))]);

        Assert.Equal("a<b>&\"c\"", document.Descendants(s_svg + "g").First(g => g.Attribute("data-candidate") is not null).Attribute("data-candidate")!.Value);
    }

    [Fact]
    public void QpsDecades_CoverEveryPoint()
    {
        var (min, max) = RecallQpsSvgWriter.QpsDecades([Result("a", (16, 0.5, 350), (32, 0.6, 123_000))]);

        Assert.Equal(2, min);
        Assert.Equal(6, max);
    }

    private static XDocument Render(IReadOnlyList<CandidateResult> results)
    {
        using var stream = new MemoryStream();
        RecallQpsSvgWriter.Write(results, "title", "recall@10", stream);
        stream.Position = 0;
        return XDocument.Load(stream);
    }

    private static CandidateResult Result(string name, params (int Ef, double Recall, double Qps)[] points) =>
        new(name, name, 1.0, 2, null, 1000, 1000, "test", points.Select(p => new SweepPoint(p.Ef, p.Recall, p.Qps, null, null)).ToArray());
}
