using System.Diagnostics.CodeAnalysis;
using MessagePack;

namespace AgentDb;

/// <summary>
/// An in-memory equality index over one top-level payload field of a collection: for each string value, the internal
/// ids of the records whose field is that string (what <see cref="PayloadFilter.And"/> tests), and for each string
/// element of a top-level array, the ids of the records whose array holds it (what <see cref="PayloadFilter.AndContains"/>
/// tests). Values are compared as UTF-8 bytes, exactly as the filter compares them. Derived data: built by a scan of the
/// records and kept up to date by the apply path; never persisted (only the field's name is).
/// </summary>
/// <remarks>
/// Threading: the mutators (<see cref="Put"/>, <see cref="Remove"/>) are called by the apply thread, one at a time; the
/// readers may run concurrently with them and with each other. One short lock guards the maps.
/// </remarks>
internal sealed class PayloadFieldIndex
{
    private readonly Lock _lock = new();
    private readonly byte[] _fieldUtf8;
    private readonly Dictionary<byte[], HashSet<long>> _equal = new(Utf8Comparer.Instance);
    private readonly Dictionary<byte[], HashSet<long>> _contains = new(Utf8Comparer.Instance);
    private readonly Dictionary<byte[], HashSet<long>>.AlternateLookup<ReadOnlySpan<byte>> _equalBySpan;
    private readonly Dictionary<byte[], HashSet<long>>.AlternateLookup<ReadOnlySpan<byte>> _containsBySpan;

    // What each indexed record contributed, so an update or a delete takes exactly those entries out again.
    private readonly Dictionary<long, IndexedValues> _valuesOf = new();
    private readonly List<(int Offset, int Length)> _scratchEqual = new();
    private readonly List<(int Offset, int Length)> _scratchContains = new();

    public PayloadFieldIndex(string field)
    {
        Field = field;
        _fieldUtf8 = System.Text.Encoding.UTF8.GetBytes(field);
        _equalBySpan = _equal.GetAlternateLookup<ReadOnlySpan<byte>>();
        _containsBySpan = _contains.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    /// <summary>The indexed top-level field.</summary>
    public string Field { get; }

    /// <summary>The field's name in UTF-8.</summary>
    public ReadOnlySpan<byte> FieldUtf8 => _fieldUtf8;

    /// <summary>Records that have the field as a string or a string array.</summary>
    public int RecordCount
    {
        get
        {
            lock (_lock)
            {
                return _valuesOf.Count;
            }
        }
    }

    /// <summary>Indexes the payload of <paramref name="internalId"/>, replacing what it contributed before.</summary>
    public void Put(long internalId, ReadOnlyMemory<byte> payload)
    {
        lock (_lock)
        {
            RemoveLocked(internalId);
            AddLocked(internalId, payload);
        }
    }

    /// <summary>Takes <paramref name="internalId"/> out of the index (a delete).</summary>
    public void Remove(long internalId)
    {
        lock (_lock)
        {
            RemoveLocked(internalId);
        }
    }

    /// <summary>Replaces the whole content (a rebuild by a scan); the caller is the apply thread.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _equal.Clear();
            _contains.Clear();
            _valuesOf.Clear();
        }
    }

    /// <summary>How many records match <c>field == value</c> (or <c>field contains value</c>).</summary>
    public int CountOf(ReadOnlySpan<byte> valueUtf8, bool contains)
    {
        lock (_lock)
        {
            return Map(contains).TryGetValue(valueUtf8, out HashSet<long>? ids) ? ids.Count : 0;
        }
    }

    /// <summary>
    /// Copies the ids matching the condition into <paramref name="destination"/> when they fit and returns how many; -1
    /// (nothing copied) when there are more than <paramref name="destination"/> holds.
    /// </summary>
    public int CopyIds(ReadOnlySpan<byte> valueUtf8, bool contains, Span<long> destination)
    {
        lock (_lock)
        {
            if (!Map(contains).TryGetValue(valueUtf8, out HashSet<long>? ids))
            {
                return 0;
            }

            if (ids.Count > destination.Length)
            {
                return -1;
            }

            int count = 0;
            foreach (long id in ids)
            {
                destination[count++] = id;
            }

            return count;
        }
    }

    /// <summary>Whether <paramref name="internalId"/> matches the condition.</summary>
    public bool Matches(long internalId, ReadOnlySpan<byte> valueUtf8, bool contains)
    {
        lock (_lock)
        {
            return Map(contains).TryGetValue(valueUtf8, out HashSet<long>? ids) && ids.Contains(internalId);
        }
    }

    private Dictionary<byte[], HashSet<long>>.AlternateLookup<ReadOnlySpan<byte>> Map(bool contains) => contains ? _containsBySpan : _equalBySpan;

    private void RemoveLocked(long internalId)
    {
        if (!_valuesOf.Remove(internalId, out IndexedValues values))
        {
            return;
        }

        if (values.Equal is not null)
        {
            foreach (byte[] value in values.Equal)
            {
                Take(_equal, value, internalId);
            }
        }

        if (values.Contains is not null)
        {
            foreach (byte[] value in values.Contains)
            {
                Take(_contains, value, internalId);
            }
        }
    }

    private static void Take(Dictionary<byte[], HashSet<long>> map, byte[] value, long internalId)
    {
        if (map.TryGetValue(value, out HashSet<long>? ids))
        {
            ids.Remove(internalId);
            if (ids.Count == 0)
            {
                map.Remove(value);
            }
        }
    }

    /// <summary>
    /// Reads the payload as <see cref="PayloadFilter.Matches"/> does: a map whose entries with the field's key contribute
    /// their string value (equality) or their array's string elements (contains). Malformed MessagePack contributes
    /// nothing, as it matches no filter.
    /// </summary>
    private void AddLocked(long internalId, ReadOnlyMemory<byte> payload)
    {
        if (payload.Span.IndexOf(_fieldUtf8) < 0)
        {
            return; // the key's bytes are not even there: the common case for a payload without the field
        }

        _scratchEqual.Clear();
        _scratchContains.Clear();
        try
        {
            var reader = new MessagePackReader(payload);
            if (reader.NextMessagePackType != MessagePackType.Map)
            {
                return;
            }

            int entries = reader.ReadMapHeader();
            for (int e = 0; e < entries; e++)
            {
                if (reader.NextMessagePackType != MessagePackType.String || !reader.TryReadStringSpan(out ReadOnlySpan<byte> key))
                {
                    reader.Skip(); // key
                    reader.Skip(); // value
                    continue;
                }

                if (key.SequenceEqual(_fieldUtf8))
                {
                    MessagePackReader value = reader; // a copy: the entry is skipped whole below
                    if (value.NextMessagePackType == MessagePackType.String && value.TryReadStringSpan(out ReadOnlySpan<byte> text))
                    {
                        _scratchEqual.Add(Locate(payload.Span, text));
                    }
                    else if (value.NextMessagePackType == MessagePackType.Array)
                    {
                        int count = value.ReadArrayHeader();
                        for (int i = 0; i < count; i++)
                        {
                            if (value.NextMessagePackType == MessagePackType.String && value.TryReadStringSpan(out ReadOnlySpan<byte> element))
                            {
                                _scratchContains.Add(Locate(payload.Span, element));
                            }
                            else
                            {
                                value.Skip();
                            }
                        }
                    }
                }

                reader.Skip();
            }
        }
        catch (Exception exception) when (exception is MessagePackSerializationException or EndOfStreamException)
        {
            return; // malformed: matches no filter (PayloadFilter.Matches returns false), so indexed under no value
        }

        if (_scratchEqual.Count == 0 && _scratchContains.Count == 0)
        {
            return;
        }

        byte[][]? equal = _scratchEqual.Count == 0 ? null : new byte[_scratchEqual.Count][];
        for (int i = 0; i < _scratchEqual.Count; i++)
        {
            equal![i] = AddId(_equalBySpan, Slice(payload.Span, _scratchEqual[i]), internalId);
        }

        byte[][]? contains = _scratchContains.Count == 0 ? null : new byte[_scratchContains.Count][];
        for (int i = 0; i < _scratchContains.Count; i++)
        {
            contains![i] = AddId(_containsBySpan, Slice(payload.Span, _scratchContains[i]), internalId);
        }

        _valuesOf[internalId] = new IndexedValues(equal, contains);
    }

    /// <summary>Adds the id under the value; returns the map's own key for it (one array per distinct value).</summary>
    private static byte[] AddId(Dictionary<byte[], HashSet<long>>.AlternateLookup<ReadOnlySpan<byte>> map, ReadOnlySpan<byte> value, long internalId)
    {
        if (map.TryGetValue(value, out byte[]? key, out HashSet<long>? ids))
        {
            ids.Add(internalId);
            return key;
        }

        key = value.ToArray();
        map.Dictionary.Add(key, [internalId]);
        return key;
    }

    private static (int Offset, int Length) Locate(ReadOnlySpan<byte> payload, ReadOnlySpan<byte> part)
    {
        payload.Overlaps(part, out int offset);
        return (offset, part.Length);
    }

    private static ReadOnlySpan<byte> Slice(ReadOnlySpan<byte> payload, (int Offset, int Length) part) => payload.Slice(part.Offset, part.Length);

    private readonly record struct IndexedValues(byte[][]? Equal, byte[][]? Contains);

    /// <summary>Ordinal byte comparison of UTF-8 values, also by span (no array per lookup).</summary>
    private sealed class Utf8Comparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static readonly Utf8Comparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => ReferenceEquals(x, y) || (x is not null && y is not null && x.AsSpan().SequenceEqual(y));

        public int GetHashCode([DisallowNull] byte[] obj) => Hash(obj);

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<byte> alternate) => Hash(alternate);

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();

        private static int Hash(ReadOnlySpan<byte> bytes)
        {
            var hash = default(HashCode);
            hash.AddBytes(bytes);
            return hash.ToHashCode();
        }
    }
}
