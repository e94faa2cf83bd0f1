using System.Runtime.InteropServices;
using System.Text;
using AgentDb.Storage;

namespace AgentDb;

/// <summary>
/// Upserts and deletes, possibly across collections, that <see cref="AgentDatabase.Batch"/> applies atomically: all or
/// none, as one log entry. The builder copies what it is given into one buffer and can be reused after
/// <see cref="Clear"/>. An id may appear only once per collection in a batch. Not thread-safe.
/// </summary>
public sealed class RecordBatch
{
    private readonly List<BatchOperation> _operations = new();
    private readonly HashSet<(string Collection, string Id)> _keys = new();
    private byte[] _buffer = new byte[1024];
    private int _length;

    /// <summary>Operations in the batch.</summary>
    public int Count => _operations.Count;

    internal IReadOnlyList<BatchOperation> Operations => _operations;

    internal ReadOnlySpan<byte> Bytes => _buffer.AsSpan(0, _length);

    /// <summary>Adds an upsert of record <paramref name="id"/> in <paramref name="collection"/>.</summary>
    /// <exception cref="ArgumentException">The id is empty, longer than 512 UTF-8 bytes or already in this batch for the collection, or the vector holds a non-finite value.</exception>
    public RecordBatch Upsert(string collection, string id, ReadOnlySpan<byte> payload, ReadOnlySpan<float> vector = default)
    {
        AgentDatabase.ValidateVectorValues(vector);
        int idOffset = AddKey(collection, id);
        int idLength = _length - idOffset;
        int payloadOffset = Append(payload);
        int vectorOffset = Append(MemoryMarshal.AsBytes(vector));
        _operations.Add(new BatchOperation(RecordWriteKind.Upsert, collection, idOffset, idLength, payloadOffset, payload.Length, vectorOffset, vector.Length));
        return this;
    }

    /// <summary>Adds a delete of record <paramref name="id"/> in <paramref name="collection"/>.</summary>
    /// <exception cref="ArgumentException">The id is empty, too long, or already in this batch for the collection.</exception>
    public RecordBatch Delete(string collection, string id)
    {
        int idOffset = AddKey(collection, id);
        _operations.Add(new BatchOperation(RecordWriteKind.Delete, collection, idOffset, _length - idOffset, _length, 0, _length, 0));
        return this;
    }

    /// <summary>Empties the batch for reuse.</summary>
    public void Clear()
    {
        _operations.Clear();
        _keys.Clear();
        _length = 0;
    }

    private int AddKey(string collection, string id)
    {
        ArgumentNullException.ThrowIfNull(collection);
        AgentDatabase.ValidateId(id);
        if (!_keys.Add((collection, id)))
        {
            throw new ArgumentException($"The batch already holds an operation on id '{id}' in collection '{collection}'.", nameof(id));
        }

        int offset = _length;
        int byteCount = Encoding.UTF8.GetByteCount(id);
        Reserve(byteCount);
        _length += Encoding.UTF8.GetBytes(id, _buffer.AsSpan(_length));
        return offset;
    }

    private int Append(ReadOnlySpan<byte> bytes)
    {
        int offset = _length;
        Reserve(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
        return offset;
    }

    private void Reserve(int bytes)
    {
        if (_length + bytes > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_length + bytes, _buffer.Length * 2));
        }
    }
}
