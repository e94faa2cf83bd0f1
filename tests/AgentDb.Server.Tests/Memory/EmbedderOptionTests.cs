using AgentDb.Server.Cli;
using AgentDb.Server.Hosting;

namespace AgentDb.Server.Tests.Memory;

/// <summary><c>--embedder</c>, <c>AGENTDB_EMBEDDER</c> and the config file's <c>embedder</c>: parsing, precedence and
/// the messages for bad values.</summary>
public sealed class EmbedderOptionTests
{
    [Theory]
    [InlineData("minilm", "minilm", 384)]
    [InlineData("MiniLM", "minilm", 384)]
    [InlineData("hashing", "hashing-384", 384)]
    [InlineData("hashing-2", "hashing-2", 2)]
    [InlineData("hashing-65536", "hashing-65536", 65536)]
    public void TryParse_AcceptsTheDocumentedForms(string value, string canonical, int dimension)
    {
        Assert.True(EmbedderSpec.TryParse(value, out var spec, out var error), error);
        Assert.Equal((canonical, dimension), (spec.ToString(), spec.Dimension));
    }

    [Theory]
    [InlineData("onnx:/models/m.onnx:/models/vocab.txt", "/models/m.onnx", "/models/vocab.txt")]
    [InlineData(@"onnx:C:\models\m.onnx:D:\vocab.txt", @"C:\models\m.onnx", @"D:\vocab.txt")]
    [InlineData("onnx:m.onnx:C:/v/vocab.txt", "m.onnx", "C:/v/vocab.txt")]
    public void TryParse_Onnx_SplitsTheTwoPaths_KeepingDriveLetters(string value, string model, string vocabulary)
    {
        Assert.True(EmbedderSpec.TryParse(value, out var spec, out var error), error);
        Assert.Equal((EmbedderKind.Onnx, model, vocabulary), (spec.Kind, spec.ModelPath, spec.VocabularyPath));
        Assert.Equal(value, spec.ToString());
    }

    [Theory]
    [InlineData("", "expected minilm, hashing, hashing-DIM or onnx:MODEL_PATH:VOCAB_PATH")]
    [InlineData("bert", "expected minilm, hashing, hashing-DIM or onnx:MODEL_PATH:VOCAB_PATH")]
    [InlineData("hashing-1", "from 2 to 65536")]
    [InlineData("hashing-65537", "from 2 to 65536")]
    [InlineData("hashing-x", "from 2 to 65536")]
    [InlineData("hashing--5", "from 2 to 65536")]
    [InlineData("hashing-", "from 2 to 65536")]
    [InlineData("onnx:", "expected onnx:MODEL_PATH:VOCAB_PATH")]
    [InlineData("onnx:model.onnx", "expected onnx:MODEL_PATH:VOCAB_PATH")]
    [InlineData("onnx:a:b:c", "expected onnx:MODEL_PATH:VOCAB_PATH")]
    [InlineData("onnx:model.onnx:", "expected onnx:MODEL_PATH:VOCAB_PATH")]
    public void TryParse_RefusesOtherValues_SayingWhatIsAccepted(string value, string expected)
    {
        Assert.False(EmbedderSpec.TryParse(value, out _, out var error));
        Assert.Contains(expected, error);
    }

    [Fact]
    public void Serve_EmbedderFromOptionOrEnvironment_OptionWins_NoneMeansNull()
    {
        Assert.True(CommandLineParser.TryParse(["serve"], _ => null, out var none, out _));
        Assert.Null(none.Options!.Embedder);

        Assert.True(CommandLineParser.TryParse(["serve"], Env("hashing-16"), out var fromEnvironment, out _));
        Assert.Equal(16, fromEnvironment.Options!.Embedder!.Dimension);

        Assert.True(CommandLineParser.TryParse(["serve", "--embedder=hashing-32"], Env("hashing-16"), out var fromOption, out _));
        Assert.Equal(32, fromOption.Options!.Embedder!.Dimension);
    }

    [Fact]
    public void Serve_BadEmbedder_IsAnErrorNamingTheSource()
    {
        Assert.False(CommandLineParser.TryParse(["serve", "--embedder", "word2vec"], _ => null, out _, out var option));
        Assert.Equal("invalid embedder 'word2vec' from --embedder: expected minilm, hashing, hashing-DIM or onnx:MODEL_PATH:VOCAB_PATH", option.Message);

        Assert.False(CommandLineParser.TryParse(["serve"], Env("hashing-1"), out _, out var variable));
        Assert.StartsWith("invalid embedder 'hashing-1' from AGENTDB_EMBEDDER: ", variable.Message, StringComparison.Ordinal);

        Assert.False(CommandLineParser.TryParse(["serve", "--embedder"], _ => null, out _, out var missing));
        Assert.Equal("option --embedder needs a value", missing.Message);
    }

    [Fact]
    public void Serve_OnnxEmbedder_NeedsBothFilesToExist()
    {
        using var root = new TempDirectory();
        var model = Path.Combine(root.Path, "m.onnx");
        File.WriteAllText(model, "not a model");

        Assert.False(CommandLineParser.TryParse(["serve", "--embedder", $"onnx:{model}:{Path.Combine(root.Path, "vocab.txt")}"], _ => null, out _, out var error));
        Assert.EndsWith($"no such file {Path.Combine(root.Path, "vocab.txt")}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConfigFile_Embedder_IsParsed_AndABadOneNamesItsPath()
    {
        Assert.True(ServerConfigLoader.TryParse("""{ "embedder": "hashing-8" }""", out var config, out var error), error);
        Assert.Equal((EmbedderKind.Hashing, 8), (config.Embedder!.Kind, config.Embedder.Dimension));
        Assert.True(ServerConfigLoader.TryParse("{}", out var empty, out _));
        Assert.Null(empty.Embedder);

        Assert.False(ServerConfigLoader.TryParse("""{ "embedder": "glove" }""", out _, out var bad));
        Assert.StartsWith("$.embedder: expected minilm", bad, StringComparison.Ordinal);
        Assert.False(ServerConfigLoader.TryParse("""{ "embedder": 5 }""", out _, out var notString));
        Assert.Equal("$.embedder: must be a string", notString);
        Assert.False(ServerConfigLoader.TryParse("""{ "embeder": "minilm" }""", out _, out var typo));
        Assert.Contains("known: apiKeys, limits, tls, replication, cluster, embedder", typo);
    }

    private static Func<string, string?> Env(string embedder) => name => name == EnvironmentVariables.Embedder ? embedder : null;
}
