using AgentDb.Simulation.Runner;

namespace AgentDb.Simulation.Tests.Runner;

public sealed class ProgressLineTests
{
    [Fact]
    public void DrawsInPlace_NeverGoesBack_AndEndsTheLineOnce()
    {
        var writer = new StringWriter();
        var line = new ProgressLine(writer, "demo");
        line.Report(0.5);
        line.Report(0.25);
        line.Report(1);
        line.Finish();
        line.Finish();
        line.Report(1);

        string text = writer.ToString();
        Assert.StartsWith("\rdemo [", text, StringComparison.Ordinal);
        Assert.Contains(" 50%", text, StringComparison.Ordinal);
        Assert.DoesNotContain(" 25%", text, StringComparison.Ordinal);
        Assert.EndsWith("] 100%" + Environment.NewLine, text, StringComparison.Ordinal);
        Assert.Equal(2, text.Split('\r').Length - 1);
    }

    [Fact]
    public void Finish_WithoutAnyReport_WritesNothing()
    {
        var writer = new StringWriter();
        new ProgressLine(writer, "demo").Finish();
        Assert.Equal("", writer.ToString());
    }
}
