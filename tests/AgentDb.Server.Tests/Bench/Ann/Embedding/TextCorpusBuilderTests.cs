using AgentDb.Server.Bench.Ann.Embedding;

namespace AgentDb.Server.Tests.Bench.Ann.Embedding;

public sealed class TextCorpusBuilderTests
{
    [Fact]
    public void Build_WithEnoughDescriptions_UsesWholeDescriptionsOnly()
    {
        PackageDescription[] descriptions = Enumerable.Range(0, 50).Select(i => new PackageDescription($"package number {i} does a useful thing", [])).ToArray();

        TextCorpus corpus = TextCorpusBuilder.Build(descriptions, count: 30, queryCount: 5, seed: 1, maxChars: 2000);

        Assert.Equal(30, corpus.BaseTexts.Count);
        Assert.Equal(5, corpus.QueryTexts.Count);
        Assert.Equal(30, corpus.FromDescriptions);
        Assert.Equal(0, corpus.FromParagraphs + corpus.FromSentences);
        Assert.Empty(corpus.BaseTexts.Intersect(corpus.QueryTexts));
    }

    [Fact]
    public void Build_WithFewDescriptions_TopsUpWithParagraphsThenSentences_NeverRepeating()
    {
        PackageDescription[] descriptions = Enumerable.Range(0, 10).Select(i => new PackageDescription(
            $"Synopsis line for pkg{i}x tool",
            [$"First paragraph of pkg{i}x has one sentence. It also has a second one on pkg{i}x.", $"Second paragraph of pkg{i}x stands alone."])).ToArray();

        TextCorpus corpus = TextCorpusBuilder.Build(descriptions, count: 1000, queryCount: 2, seed: 3, maxChars: 2000);

        // 8 whole descriptions, then per description its synopsis and 2 paragraphs, then the 2 sentences of the first.
        Assert.Equal(8, corpus.FromDescriptions);
        Assert.Equal(24, corpus.FromParagraphs);
        Assert.Equal(16, corpus.FromSentences);
        Assert.Equal(48, corpus.BaseTexts.Count);
        Assert.Equal(corpus.BaseTexts.Count, corpus.BaseTexts.Distinct().Count());
        Assert.Empty(corpus.BaseTexts.Intersect(corpus.QueryTexts));

        // Nothing of a held-out query's description reaches the base.
        foreach (string query in corpus.QueryTexts)
        {
            string token = System.Text.RegularExpressions.Regex.Match(query, @"pkg\d+x").Value;
            Assert.DoesNotContain(corpus.BaseTexts, t => t.Contains(token, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Build_WhenTheSourceRunsOut_ReturnsFewerThanAsked()
    {
        PackageDescription[] descriptions = Enumerable.Range(0, 6).Select(i => new PackageDescription($"a single short description {i}", [])).ToArray();

        TextCorpus corpus = TextCorpusBuilder.Build(descriptions, count: 100, queryCount: 1, seed: 3, maxChars: 2000);

        Assert.Equal(5, corpus.BaseTexts.Count);
        Assert.Single(corpus.QueryTexts);
    }

    [Fact]
    public void Build_IsDeterministicForASeed()
    {
        PackageDescription[] descriptions = Enumerable.Range(0, 40).Select(i => new PackageDescription($"description text number {i}", [])).ToArray();

        TextCorpus a = TextCorpusBuilder.Build(descriptions, 20, 4, 9, 2000);
        TextCorpus b = TextCorpusBuilder.Build(descriptions, 20, 4, 9, 2000);
        TextCorpus c = TextCorpusBuilder.Build(descriptions, 20, 4, 10, 2000);

        Assert.Equal(a.BaseTexts, b.BaseTexts);
        Assert.Equal(a.QueryTexts, b.QueryTexts);
        Assert.NotEqual(a.QueryTexts, c.QueryTexts);
    }

    [Fact]
    public void SplitSentences_SplitsAtSentenceEndsOnly()
    {
        Assert.Equal(["It uses e.g. libfoo 2.0 now.", "Then it stops!", "Really?"], TextCorpusBuilder.SplitSentences("It uses e.g. libfoo 2.0 now. Then it stops! Really?"));
        Assert.Empty(TextCorpusBuilder.SplitSentences("Only one sentence here."));
    }

    [Fact]
    public void Cut_CollapsesWhitespaceAndCutsAtAWordBoundary()
    {
        Assert.Equal("a b c", TextCorpusBuilder.Cut("  a \n b\t\tc ", 100));
        Assert.Equal("alpha beta", TextCorpusBuilder.Cut("alpha beta gamma", 12));
    }

    [Fact]
    public void ParseStanzas_ReadsSynopsisParagraphsAndMd5()
    {
        const string list = """
            Package: foo
            Description-md5: 0123
            Description-en: Foo tool
             Foo does things
             over two lines.
             .
             Second paragraph.

            Package: bar
            Version: 1
            Description: Bar only
            Homepage: https://example.invalid

            Package: nodesc
            Version: 2
            """;

        var parsed = AptDescriptionReader.ParseStanzas(new StringReader(list)).ToList();

        Assert.Equal(2, parsed.Count);
        Assert.Equal("0123", parsed[0].Md5);
        Assert.Equal("Foo tool", parsed[0].Description.Synopsis);
        Assert.Equal(["Foo does things over two lines.", "Second paragraph."], parsed[0].Description.Paragraphs);
        Assert.Equal("Foo tool. Foo does things over two lines. Second paragraph.", parsed[0].Description.FullText);
        Assert.Null(parsed[1].Md5);
        Assert.Equal("Bar only", parsed[1].Description.FullText);
    }

    [Theory]
    [InlineData("deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages.lz4", true)]
    [InlineData("deb.debian.org_debian_dists_bookworm_main_i18n_Translation-en", true)]
    [InlineData("deb.debian.org_debian_dists_bookworm_main_i18n_Translation-de.lz4", false)]
    [InlineData("deb.debian.org_debian_dists_bookworm_InRelease", false)]
    public void IsDescriptionList_SelectsIndexesAndEnglishTranslations(string name, bool expected)
    {
        Assert.Equal(expected, AptDescriptionReader.IsDescriptionList(name));
    }
}
