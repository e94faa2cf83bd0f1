using AgentDb.Simulation.Scenarios.Voting;

namespace AgentDb.Simulation.Tests.Voting;

public sealed class CoalitionFinderTests
{
    private static float[] Unit(params float[] v)
    {
        PreferenceSpace.Normalize(v);
        return v;
    }

    [Fact]
    public void SimilarVotersWithTheSameFirstPreferenceFormOneCoalition()
    {
        float[][] prefs = [Unit(1, 0.1f, 0), Unit(1, 0, 0.1f), Unit(0, 1, 0), Unit(1, 0.05f, 0)];
        int[] tops = [2, 2, 2, 5];

        var coalitions = CoalitionFinder.Find(tops, prefs, 0.9f);

        Assert.Equal(3, coalitions.Count);
        Assert.Equal([0, 1], coalitions[0]);
        Assert.Equal([2], coalitions[1]);
        Assert.Equal([3], coalitions[2]);
    }

    [Fact]
    public void LinkageIsTransitive()
    {
        // 0~1 and 1~2 are above the threshold, 0~2 is not: one chain.
        float[][] prefs = [Unit(1, 0, 0), Unit(1, 1, 0), Unit(0, 1, 0)];
        var coalitions = CoalitionFinder.Find([0, 0, 0], prefs, 0.7f);
        Assert.Single(coalitions);
        Assert.Equal([0, 1, 2], coalitions[0]);
    }

    [Fact]
    public void VotersWithoutFirstPreferenceBelongToNoCoalition()
    {
        float[][] prefs = [Unit(1, 0), Unit(1, 0)];
        var coalitions = CoalitionFinder.Find([-1, 3], prefs, 0.5f);
        Assert.Single(coalitions);
        Assert.Equal([1], coalitions[0]);
    }

    [Fact]
    public void MismatchedInputsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => CoalitionFinder.Find([0], [], 0.5f));
    }
}
