using AgentDb.Memory.Embedding;
using AgentDb.Memory.Tests.Support;

namespace AgentDb.Memory.Tests.Embedding;

[Collection(MiniLmCollection.Name)]
public sealed class OnnxEmbedderTests(MiniLmFixture fixture)
{
    [Fact]
    public void MissingModelFile_ThrowsFileNotFound()
    {
        string missing = fixture.TempPath("no-such-model.onnx");
        FileNotFoundException e = Assert.Throws<FileNotFoundException>(() => new OnnxEmbedder(missing, fixture.VocabularyPath));
        Assert.Equal(missing, e.FileName);
        Assert.Contains(missing, e.Message);
    }

    [Fact]
    public void MissingVocabularyFile_ThrowsFileNotFound()
    {
        string missing = fixture.TempPath("no-such-vocab.txt");
        FileNotFoundException e = Assert.Throws<FileNotFoundException>(() => new OnnxEmbedder(fixture.ModelPath, missing));
        Assert.Equal(missing, e.FileName);
        Assert.Contains("vocab", e.Message);
    }

    [Fact]
    public void FileThatIsNotAnOnnxModel_ThrowsInvalidData()
    {
        string garbage = fixture.TempPath("garbage.onnx");
        File.WriteAllBytes(garbage, "this is not a protobuf model"u8.ToArray());
        InvalidDataException e = Assert.Throws<InvalidDataException>(() => new OnnxEmbedder(garbage, fixture.VocabularyPath));
        Assert.Contains(garbage, e.Message);
    }

    [Fact]
    public void VocabularyWithoutSpecialTokens_ThrowsInvalidData()
    {
        string vocabulary = fixture.TempPath("plain-words.txt");
        File.WriteAllLines(vocabulary, ["the", "cat", "sat"]);
        InvalidDataException e = Assert.Throws<InvalidDataException>(() => new OnnxEmbedder(fixture.ModelPath, vocabulary));
        Assert.Contains("[CLS]", e.Message);
    }

    [Fact]
    public void ModelDimensionOtherThanExpected_ThrowsNamingBoth()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => new OnnxEmbedder(fixture.ModelPath, fixture.VocabularyPath, expectedDimension: 768));
        Assert.Equal("expectedDimension", e.ParamName);
        Assert.Contains("384", e.Message);
        Assert.Contains("768", e.Message);
        Assert.Contains(fixture.ModelPath, e.Message);
    }

    [Fact]
    public void PackagesModelFile_GivesTheSameVectorsAsMiniLmEmbedder()
    {
        using var embedder = new OnnxEmbedder(
            fixture.ModelPath, fixture.VocabularyPath, expectedDimension: 384, new OnnxEmbedderOptions { MaxBatchSize = 3 });
        Assert.Equal("onnx:model", embedder.Name);
        Assert.Equal(384, embedder.Dimension);

        string[] texts = ["a cat sits on the mat", "stock market crash", "", "Agents learn from the critiques of their past failures.", "x y z"];
        var fromFile = new float[texts.Length * 384];
        var fromPackage = new float[texts.Length * 384];
        embedder.EmbedBatch(texts, fromFile);
        fixture.Embedder.EmbedBatch(texts, fromPackage);
        for (int i = 0; i < texts.Length; i++)
        {
            float difference = VectorMath.MaxAbsDifference(fromPackage.AsSpan(i * 384, 384), fromFile.AsSpan(i * 384, 384));
            Assert.True(difference < 1e-4f, $"text {i}: {difference}");
        }

        float[] single = VectorMath.Embed(embedder, texts[0]);
        Assert.True(VectorMath.MaxAbsDifference(fromPackage.AsSpan(0, 384), single) < 1e-4f);
    }

    [Fact]
    public void BadOptions_ThrowBeforeLoading()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new OnnxEmbedder(fixture.ModelPath, fixture.VocabularyPath, options: new OnnxEmbedderOptions { MaxBatchSize = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new OnnxEmbedder(fixture.ModelPath, fixture.VocabularyPath, expectedDimension: 0));
    }
}
