using System.Text;
using MessagePack;

namespace AgentDb;

/// <summary>
/// A conjunction of conditions on a record's payload, read as a MessagePack map with string keys: equality of a
/// top-level string field (<c>namespace == "agent-1"</c>) and membership in a top-level array of strings
/// (<c>tags contains "urgent"</c>). A payload that is not a map, or lacks a field, does not match. At most 64 conditions.
/// </summary>
/// <example><c>PayloadFilter.Where("namespace", "agent-1").And("session", "s-9").AndContains("tags", "urgent")</c></example>
public sealed class PayloadFilter
{
    private const int MaxConditions = 64;
    private readonly List<Condition> _conditions = new();

    private PayloadFilter()
    {
    }

    /// <summary>Starts a filter requiring the top-level string field <paramref name="field"/> to equal <paramref name="value"/>.</summary>
    public static PayloadFilter Where(string field, string value) => new PayloadFilter().And(field, value);

    /// <summary>Starts a filter requiring the top-level string array <paramref name="field"/> to contain <paramref name="value"/>.</summary>
    public static PayloadFilter Contains(string field, string value) => new PayloadFilter().AndContains(field, value);

    /// <summary>Adds: the top-level string field <paramref name="field"/> equals <paramref name="value"/>.</summary>
    /// <exception cref="ArgumentException">The field is empty, or the filter already has 64 conditions.</exception>
    public PayloadFilter And(string field, string value) => Add(field, value, contains: false);

    /// <summary>Adds: the top-level array <paramref name="field"/> has a string element equal to <paramref name="value"/>.</summary>
    /// <exception cref="ArgumentException">The field is empty, or the filter already has 64 conditions.</exception>
    public PayloadFilter AndContains(string field, string value) => Add(field, value, contains: true);

    /// <summary>Whether <paramref name="payload"/> satisfies every condition. Malformed MessagePack does not match.</summary>
    public bool Matches(ReadOnlyMemory<byte> payload)
    {
        try
        {
            var reader = new MessagePackReader(payload);
            if (reader.NextMessagePackType != MessagePackType.Map)
            {
                return false;
            }

            ulong satisfied = 0;
            ulong all = _conditions.Count == 64 ? ulong.MaxValue : (1UL << _conditions.Count) - 1;
            int entries = reader.ReadMapHeader();
            for (int e = 0; e < entries; e++)
            {
                if (reader.NextMessagePackType != MessagePackType.String || !reader.TryReadStringSpan(out ReadOnlySpan<byte> key))
                {
                    reader.Skip(); // key
                    reader.Skip(); // value
                    continue;
                }

                for (int c = 0; c < _conditions.Count; c++)
                {
                    Condition condition = _conditions[c];
                    if (key.SequenceEqual(condition.Field))
                    {
                        MessagePackReader value = reader; // a copy: several conditions may read the same value
                        if (condition.Contains ? ArrayContains(ref value, condition.Value) : StringEquals(ref value, condition.Value))
                        {
                            satisfied |= 1UL << c;
                        }
                    }
                }

                reader.Skip();
            }

            return satisfied == all;
        }
        catch (MessagePackSerializationException)
        {
            return false;
        }
        catch (EndOfStreamException)
        {
            return false;
        }
    }

    /// <summary>The filter's conditions, in the order added.</summary>
    internal int ConditionCount => _conditions.Count;

    /// <summary>Condition <paramref name="index"/>: its field and value in UTF-8, and whether it is a contains test.</summary>
    internal (byte[] Field, byte[] Value, bool Contains) ConditionAt(int index)
    {
        Condition condition = _conditions[index];
        return (condition.Field, condition.Value, condition.Contains);
    }

    private static bool StringEquals(ref MessagePackReader reader, byte[] expected) =>
        reader.NextMessagePackType == MessagePackType.String && reader.TryReadStringSpan(out ReadOnlySpan<byte> text) && text.SequenceEqual(expected);

    private static bool ArrayContains(ref MessagePackReader reader, byte[] expected)
    {
        if (reader.NextMessagePackType != MessagePackType.Array)
        {
            return false;
        }

        int count = reader.ReadArrayHeader();
        for (int i = 0; i < count; i++)
        {
            if (reader.NextMessagePackType == MessagePackType.String && reader.TryReadStringSpan(out ReadOnlySpan<byte> text))
            {
                if (text.SequenceEqual(expected))
                {
                    return true;
                }
            }
            else
            {
                reader.Skip();
            }
        }

        return false;
    }

    private PayloadFilter Add(string field, string value, bool contains)
    {
        ArgumentException.ThrowIfNullOrEmpty(field);
        ArgumentNullException.ThrowIfNull(value);
        if (_conditions.Count == MaxConditions)
        {
            throw new ArgumentException($"A payload filter holds at most {MaxConditions} conditions.", nameof(field));
        }

        _conditions.Add(new Condition(Encoding.UTF8.GetBytes(field), Encoding.UTF8.GetBytes(value), contains));
        return this;
    }

    private readonly record struct Condition(byte[] Field, byte[] Value, bool Contains);
}
