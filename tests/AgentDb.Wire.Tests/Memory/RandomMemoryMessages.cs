using AgentDb.Wire.Messages;
using AgentDb.Wire.Messages.Memory;
using AgentDb.Wire.Tests.Messages;

namespace AgentDb.Wire.Tests.Memory;

/// <summary>Seeded random agent-memory records and messages, every optional field sometimes absent, numbers at their
/// bounds, non-ASCII text, every property kind.</summary>
internal sealed class RandomMemoryMessages
{
    private readonly Random _random;
    private readonly RandomMessages _basic;

    public RandomMemoryMessages(int seed)
    {
        _random = new Random(seed);
        _basic = new RandomMessages(seed + 1_000_000);
    }

    public RandomMessages Basic => _basic;

    public bool Bool() => _random.Next(2) == 0;

    public string Id() => _basic.Id();

    public string? MaybeId() => Bool() ? null : Id();

    public string Text() => _basic.Text(200, allowEmpty: false);

    public string? MaybeText() => _random.Next(3) == 0 ? null : _basic.Text(200);

    public string Label() => _basic.Text(WireLimits.MaxNameBytes, allowEmpty: false);

    public int Between(int min, int max) => _random.Next(3) switch
    {
        0 => min,
        1 => max,
        _ => _random.Next(min, max),
    };

    public long Long() => _random.Next(4) switch
    {
        0 => 0,
        1 => long.MaxValue,
        2 => long.MinValue,
        _ => _random.NextInt64(),
    };

    public long NonNegative() => Bool() ? _random.NextInt64(0, 1_000_000) : long.MaxValue;

    public long? MaybeLong() => Bool() ? null : NonNegative();

    public double Finite() => _random.Next(4) switch
    {
        0 => 0,
        1 => -1e300,
        2 => double.Epsilon,
        _ => _random.NextDouble() * 2 - 1,
    };

    public double Any() => _random.Next(5) switch
    {
        0 => double.NaN,
        1 => double.NegativeInfinity,
        _ => Finite(),
    };

    public float Distance() => (float)_random.NextDouble();

    public ReadOnlyMemory<float> Vector() => _basic.Vector(allowEmpty: true);

    public byte[] Hash()
    {
        var hash = new byte[MemoryWireLimits.HashBytes];
        _random.NextBytes(hash);
        return hash;
    }

    public T[] ListOf<T>(Func<T> next) => _basic.ListOf(next);

    public string[] Strings(Func<string> next) => _basic.ListOf(next);

    public Dictionary<string, string> StringMap()
    {
        var map = new Dictionary<string, string>();
        foreach (var key in Strings(() => _basic.Text(30)))
        {
            map.TryAdd(key, _basic.Text(40));
        }
        return map;
    }

    public Dictionary<string, PropertyValue> Properties()
    {
        var map = new Dictionary<string, PropertyValue>();
        foreach (var key in Strings(Label))
        {
            map.TryAdd(key, _random.Next(4) switch
            {
                0 => PropertyValue.From(_basic.Text(30)),
                1 => PropertyValue.From(Long()),
                2 => PropertyValue.From(Any()),
                _ => PropertyValue.From(Bool()),
            });
        }
        return map;
    }

    public WireEpisode Episode() => new(
        MaybeId(), MaybeId(), Text(), MaybeText(), MaybeText(), MaybeText(), Finite(), Bool(), NonNegative(), NonNegative(),
        Strings(() => _basic.Text(20)), StringMap(), MaybeLong(), Vector());

    public WireSkill Skill() => new(
        Id(), MaybeText(), MaybeText(), MaybeText(), Finite(), NonNegative(), Finite(), Finite(), Vector(), MaybeText(), Long(), Long());

    public WireCausalEdge CausalEdge() => new(
        Id(), Id(), Id(), _basic.Text(50), Any(), Any(), Long(), Strings(Id), Long(), Long());

    public WireGraphNode Node() => new(Id(), Strings(Label), Properties(), Bool(), Long(), Long());

    public WireGraphNodeInput NodeInput() => new(MaybeId(), Strings(Label), Properties(), MaybeText(), Vector());

    public WireGraphEdge Edge() => new(Id(), Label(), Id(), Id(), Properties(), Long());

    public WireGraphEdgeInput EdgeInput() => new(Id(), Label(), Id(), MaybeId(), Properties());

    public WireNodeFilter Filter() => new(Strings(Label), Properties());

    public WireGraphPath Path()
    {
        var edges = Strings(Id);
        var nodes = new string[edges.Length + 1];
        for (var i = 0; i < nodes.Length; i++)
        {
            nodes[i] = Id();
        }
        return new WireGraphPath(nodes, edges);
    }

    public WireGraphDirection Direction() => (WireGraphDirection)_random.Next(3);

    public Certificate Certificate() => new(
        ListOf(() => new CertificateItem(Between(0, CertificateItem.MaxKind), Between(0, int.MaxValue), Label(), Id(), Hash())), Hash(), Long());

    public Certificate? MaybeCertificate() => Bool() ? null : Certificate();

    /// <summary>A text-or-vector query: exactly one of the two.</summary>
    public (string? Text, ReadOnlyMemory<float> Vector) Query() => Bool() ? (Text(), ReadOnlyMemory<float>.Empty) : (null, _basic.Vector(allowEmpty: false));

    public MemoryBatchOperation BatchOperation() => (MemoryBatchOperationKind)_random.Next(10) switch
    {
        MemoryBatchOperationKind.StoreEpisode => MemoryBatchOperation.StoreEpisode(Episode()),
        MemoryBatchOperationKind.CreateSkill => MemoryBatchOperation.CreateSkill(Skill()),
        MemoryBatchOperationKind.UpsertSkill => MemoryBatchOperation.UpsertSkill(Skill()),
        MemoryBatchOperationKind.AddCausalEdge => MemoryBatchOperation.AddCausalEdge(CausalAddEdge()),
        MemoryBatchOperationKind.RemoveCausalEdge => MemoryBatchOperation.RemoveCausalEdge(Id(), Id(), MaybeText()),
        MemoryBatchOperationKind.AddNode => MemoryBatchOperation.AddNode(NodeInput()),
        MemoryBatchOperationKind.UpsertNode => MemoryBatchOperation.UpsertNode(NodeInput()),
        MemoryBatchOperationKind.DeleteNode => MemoryBatchOperation.DeleteNode(Id()),
        MemoryBatchOperationKind.AddEdge => MemoryBatchOperation.AddEdge(EdgeInput()),
        _ => MemoryBatchOperation.DeleteEdge(Id()),
    };

    public CausalAddEdgeRequest CausalAddEdge() => new(Id(), Id(), MaybeText(), Finite(), Finite(), NonNegative(), Strings(Id));
}
