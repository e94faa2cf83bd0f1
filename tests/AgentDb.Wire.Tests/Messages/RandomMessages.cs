using System.Buffers;
using AgentDb.Wire.Messages;
using MessagePack;

namespace AgentDb.Wire.Tests.Messages;

/// <summary>Seeded random messages with every field exercised: empty and long strings, non-ASCII text, nil and
/// present vectors and payloads, nested payload maps, boundary numbers.</summary>
internal sealed class RandomMessages
{
    private readonly Random _random;

    public RandomMessages(int seed) => _random = new Random(seed);

    public string Text(int maxBytes, bool allowEmpty = true)
    {
        string[] alphabet = ["a", "z", "0", "-", "_", "é", "日", "🙂", " ", "/"];
        var builder = new System.Text.StringBuilder();
        var target = _random.Next(allowEmpty ? 0 : 1, Math.Min(maxBytes, 40) + 1);
        while (System.Text.Encoding.UTF8.GetByteCount(builder.ToString()) < target)
        {
            var next = alphabet[_random.Next(alphabet.Length)];
            if (System.Text.Encoding.UTF8.GetByteCount(builder + next) > maxBytes)
            {
                break;
            }
            builder.Append(next);
        }
        return builder.Length == 0 && !allowEmpty ? "x" : builder.ToString();
    }

    public string? MaybeText(int maxBytes) => _random.Next(3) == 0 ? null : Text(maxBytes);

    public string Name() => Text(WireLimits.MaxNameBytes, allowEmpty: false);

    public string Id() => Text(WireLimits.MaxIdBytes, allowEmpty: false);

    public bool Bool() => _random.Next(2) == 0;

    public ulong UInt64() => _random.Next(4) switch
    {
        0 => 0,
        1 => ulong.MaxValue,
        2 => (ulong)_random.Next(0, 200),
        _ => (ulong)_random.NextInt64(),
    };

    public int UInt(int max) => _random.Next(3) == 0 ? max : _random.Next(0, max);

    public ReadOnlyMemory<float> Vector(bool allowEmpty)
    {
        if (allowEmpty && _random.Next(3) == 0)
        {
            return ReadOnlyMemory<float>.Empty;
        }
        var vector = new float[_random.Next(1, 20)];
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = _random.Next(10) == 0 ? float.NaN : (float)(_random.NextDouble() * 2 - 1);
        }
        return vector;
    }

    public ReadOnlyMemory<byte> Map(bool allowEmpty = true)
    {
        if (allowEmpty && _random.Next(3) == 0)
        {
            return ReadOnlyMemory<byte>.Empty;
        }
        var output = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(output);
        WriteMap(ref writer, depth: 1);
        writer.Flush();
        return output.WrittenMemory.ToArray();
    }

    public CollectionInfo Collection() =>
        new(Name(), _random.Next(1, WireLimits.MaxDimension + 1), (VectorMetric)_random.Next(1, 4), UInt64());

    public BatchOperation Operation() => Bool()
        ? new BatchOperation(BatchOperationKind.Upsert, Id(), Vector(true), Map())
        : new BatchOperation(BatchOperationKind.Delete, Id(), ReadOnlyMemory<float>.Empty, ReadOnlyMemory<byte>.Empty);

    public SearchHit Hit() => new(Id(), (float)_random.NextDouble(), Map(), Vector(true));

    public T[] ListOf<T>(Func<T> next) => Enumerable.Range(0, _random.Next(0, 6)).Select(_ => next()).ToArray();

    private void WriteMap(ref MessagePackWriter writer, int depth)
    {
        var entries = _random.Next(0, 4);
        writer.WriteMapHeader(entries);
        for (var i = 0; i < entries; i++)
        {
            writer.Write(Text(20));
            switch (depth < 4 ? _random.Next(6) : _random.Next(4))
            {
                case 0: writer.Write(_random.NextInt64(long.MinValue, long.MaxValue)); break;
                case 1: writer.Write(Text(30)); break;
                case 2: writer.Write(_random.NextDouble()); break;
                case 3: writer.WriteNil(); break;
                case 4: WriteMap(ref writer, depth + 1); break;
                default:
                    writer.WriteArrayHeader(2);
                    writer.Write(Bool());
                    WriteMap(ref writer, depth + 1);
                    break;
            }
        }
    }
}
