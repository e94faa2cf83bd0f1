using System.Collections.ObjectModel;
using System.Globalization;
using AgentDb.Memory;
using AgentDb.Memory.Embedding;
using AgentDb.Memory.Graph;
using AgentDb.Memory.Reflexion;
using AgentDb.Memory.Skills;
using AgentDb.Simulation.Stress;

namespace AgentDb.Simulation.Sizing;

/// <summary>
/// Measures what each kind of record costs, each kind in a fresh scratch memory of its own (so compactions of one
/// kind's files never show up as another's growth): it writes <c>samples</c> records with realistic payloads through
/// <see cref="AgentMemory"/> (batches of 100), checkpoints (records flushed to RocksDB, vector index segments sealed, the
/// log trimmed), and divides the growth of the data files, of the managed heap (after a full collection) and of the
/// resident memory by the number of records. Before the measured records, a warm-up of <c>samples / 4</c> records of
/// the same kind is written and checkpointed, so that costs paid once per memory (the memtable's arena, the first
/// files, caches filling) are not spread over the sample. The write-ahead log (each store's <c>log</c> folder) is left out of the
/// data: it is trimmed only in whole segments and is bounded by the automatic checkpoint threshold whatever the number
/// of records, so the calculator adds it once as headroom. Causal edges link synthetic memory ids; graph edges link
/// nodes written (and checkpointed) before the measurement starts. The scratch memories use the HNSW tier from 256
/// vectors on (the default switches at 20,000), so the sample is measured in the index layout a large memory has.
/// </summary>
internal static class SizingProbe
{
    /// <summary>Records per write batch.</summary>
    private const int BatchSize = 100;

    /// <summary>Vectors at which the scratch memory's collections move to HNSW segments.</summary>
    internal const int ScratchHnswThreshold = 256;

    /// <summary>The folder of a store's write-ahead log (AgentDatabase's layout).</summary>
    private const string LogDirectoryName = "log";

    /// <summary>Measures every kind with <paramref name="samples"/> records of each, in new memories under
    /// <paramref name="directory"/> (the caller deletes it).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="samples"/> is below 1 or the dimension below 2.</exception>
    public static SizingMeasurement Measure(string directory, int samples, int dimension)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 2);
        var probe = ProcessProbe.Self();
        var workload = new StressWorkload(dimension, seed: 42);
        var footprints = new RecordFootprint[Enum.GetValues<RecordKind>().Length];
        long emptyDisk = 0;
        long emptyResident = 0;
        foreach (var kind in Enum.GetValues<RecordKind>())
        {
            var path = Path.Combine(directory, SizeCommand.Name(kind));
            var random = new Random(42);
            var residentBefore = Resident(probe);
            using var memory = AgentMemory.Open(path, new AgentMemoryOptions
            {
                Embedder = new HashingEmbedder(dimension),
                Database = new AgentDatabaseOptions { HnswThreshold = ScratchHnswThreshold },
            });
            List<string>? nodeIds = null;
            if (kind == RecordKind.GraphEdge)
            {
                // Edges need nodes: written first, outside the measurement.
                nodeIds = new List<string>(samples);
                Write(memory, 0, samples, (batch, i) => nodeIds.Add(batch.AddNode(NodeFor(i, workload, random))));
            }
            if (kind == RecordKind.Episode)
            {
                // The fixed cost of a memory: opened, empty, checkpointed.
                memory.Checkpoint();
                emptyDisk = DataBytes(path);
                emptyResident = Math.Max(Resident(probe) - residentBefore, 0);
            }
            var warmUp = samples / 4;
            Write(memory, 0, warmUp, (batch, i) => Stage(kind, batch, i, workload, random, nodeIds));
            memory.Checkpoint();
            var disk0 = DataBytes(path);
            var managed0 = GC.GetTotalMemory(forceFullCollection: true);
            var resident0 = Resident(probe);
            Write(memory, warmUp, samples, (batch, i) => Stage(kind, batch, i, workload, random, nodeIds));
            memory.Checkpoint();
            var disk1 = DataBytes(path);
            var managed1 = GC.GetTotalMemory(forceFullCollection: true);
            var resident1 = Resident(probe);
            footprints[(int)kind] = new RecordFootprint
            {
                Kind = kind,
                Samples = samples,
                DiskBytes = (double)(disk1 - disk0) / samples,
                ManagedBytes = (double)(managed1 - managed0) / samples,
                ResidentBytes = (double)(resident1 - resident0) / samples,
            };
        }
        return new SizingMeasurement
        {
            Dimension = dimension,
            Samples = samples,
            EmptyDiskBytes = emptyDisk,
            EmptyResidentBytes = emptyResident,
            Footprints = footprints,
        };
    }

    /// <summary>The bytes of the files under <paramref name="path"/>, the stores' write-ahead logs left out.</summary>
    internal static long DataBytes(string path)
    {
        long total = 0;
        foreach (var file in new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories))
        {
            if (!IsUnderLog(file.Directory, path))
            {
                total += file.Length;
            }
        }
        return total;
    }

    private static bool IsUnderLog(DirectoryInfo? directory, string root)
    {
        var rootFull = Path.GetFullPath(root);
        for (var d = directory; d is not null && d.FullName.Length > rootFull.Length; d = d.Parent)
        {
            if (string.Equals(d.Name, LogDirectoryName, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Stages record number <paramref name="i"/> of <paramref name="kind"/> (numbers make names and ids unique).</summary>
    private static void Stage(RecordKind kind, MemoryBatch batch, int i, StressWorkload workload, Random random, List<string>? nodeIds)
    {
        switch (kind)
        {
            case RecordKind.Episode:
                batch.StoreEpisode(workload.CreateEpisode(SessionOf(i), i, random));
                break;
            case RecordKind.Skill:
                batch.CreateSkill(SkillFor(i, workload, random));
                break;
            case RecordKind.CausalEdge:
                batch.AddCausalEdge(
                    MemoryIdOf(i), MemoryIdOf(i + 1), "retry-with-backoff", uplift: random.NextDouble(),
                    confidence: random.NextDouble(), sampleSize: 10 + random.Next(500), evidenceIds: [MemoryIdOf(i + 2)]);
                break;
            case RecordKind.GraphNode:
                batch.AddNode(NodeFor(i, workload, random));
                break;
            case RecordKind.GraphEdge:
                batch.AddEdge(EdgeFor(i, nodeIds!, random));
                break;
        }
    }

    /// <summary>Writes records number <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> − 1
    /// in batches of <see cref="BatchSize"/>.</summary>
    private static void Write(AgentMemory memory, int first, int count, Action<MemoryBatch, int> stage)
    {
        for (var start = first; start < first + count; start += BatchSize)
        {
            var batch = memory.CreateBatch();
            var end = Math.Min(start + BatchSize, first + count);
            for (var i = start; i < end; i++)
            {
                stage(batch, i);
            }
            batch.Execute();
        }
    }

    /// <summary>A memory id shaped like a generated one: 16 hex digits of a time, then 8.</summary>
    private static string MemoryIdOf(int i) =>
        string.Create(CultureInfo.InvariantCulture, $"{1_790_000_000_000L + i:x16}{(uint)i * 2654435761u:x8}");

    private static string SessionOf(int i) => string.Create(CultureInfo.InvariantCulture, $"session-{i % 500}");

    /// <summary>A skill as an agent library holds one: a name, a description, a signature, ~800 characters of code.</summary>
    private static Skill SkillFor(int i, StressWorkload workload, Random random) => new()
    {
        Name = string.Create(CultureInfo.InvariantCulture, $"skill-{i}-extract-invoice-totals"),
        Description = "Extracts the line items, taxes and totals from a scanned invoice PDF and reconciles them with the purchase order; retries OCR at a higher resolution when totals disagree.",
        Signature = "extract_invoice_totals(pdf_path: str, purchase_order: dict) -> InvoiceTotals",
        Code = s_skillCode,
        SuccessRate = random.NextDouble(),
        Uses = random.Next(1_000),
        AverageReward = random.NextDouble(),
        AverageLatencyMs = random.Next(5_000),
        Vector = workload.QueryVector(i, random),
    };

    /// <summary>An entity node: two labels, five properties, an embedding.</summary>
    private static GraphNodeInput NodeFor(int i, StressWorkload workload, Random random) => new()
    {
        Labels = s_nodeLabels,
        Properties = new Dictionary<string, GraphValue>(StringComparer.Ordinal)
        {
            ["name"] = string.Create(CultureInfo.InvariantCulture, $"customer-{i}"),
            ["segment"] = "enterprise",
            ["region"] = "eu-west",
            ["since"] = 1_600_000_000_000L + random.Next(),
            ["score"] = random.NextDouble(),
        },
        Embedding = workload.QueryVector(i, random),
    };

    /// <summary>An edge between two earlier nodes with two properties.</summary>
    private static GraphEdgeInput EdgeFor(int i, List<string> nodeIds, Random random) => new()
    {
        From = nodeIds[i % nodeIds.Count],
        To = nodeIds[(i + 1 + random.Next(nodeIds.Count - 1)) % nodeIds.Count],
        Type = "PURCHASED_FROM",
        Properties = new Dictionary<string, GraphValue>(StringComparer.Ordinal)
        {
            ["weight"] = random.NextDouble(),
            ["since"] = 1_600_000_000_000L + random.Next(),
        },
    };

    private static long Resident(ProcessProbe probe)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return probe.ResidentBytes() ?? 0;
    }

    private static readonly IReadOnlyList<string> s_nodeLabels = new ReadOnlyCollection<string>(["Entity", "Customer"]);

    private static readonly string s_skillCode = """
        def extract_invoice_totals(pdf_path, purchase_order):
            pages = ocr(pdf_path, dpi=300)
            items = [parse_line(line) for page in pages for line in page.lines if looks_like_item(line)]
            subtotal = sum(item.amount for item in items)
            tax = find_amount(pages, ("VAT", "Tax", "GST"))
            total = find_amount(pages, ("Total", "Amount due"))
            if abs(subtotal + tax - total) > 0.01:
                pages = ocr(pdf_path, dpi=600)
                items = [parse_line(line) for page in pages for line in page.lines if looks_like_item(line)]
                subtotal = sum(item.amount for item in items)
            mismatches = [i for i in items if i.sku in purchase_order and purchase_order[i.sku].price != i.unit_price]
            return InvoiceTotals(items=items, subtotal=subtotal, tax=tax, total=total, mismatches=mismatches)
        """;
}
