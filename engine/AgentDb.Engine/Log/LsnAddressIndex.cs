namespace AgentDb.Log;

/// <summary>
/// Maps each retained LSN to the FASTER address of its entry: chunks of 4096 slots, 8 bytes per entry, dropped whole as
/// truncation passes them. A slot of 0 is a hole (an LSN that was never appended; FASTER addresses start at 64).
/// Not thread-safe: the owner serialises access.
/// </summary>
internal sealed class LsnAddressIndex
{
    private const int ChunkBits = 12;
    private const int ChunkSize = 1 << ChunkBits;
    private const int ChunkMask = ChunkSize - 1;

    private readonly List<long[]> _chunks = new();
    private long _chunkBaseLsn; // LSN of slot 0 of _chunks[0]
    private long _first;        // lowest present LSN, 0 when empty
    private long _last;         // highest LSN added, 0 when empty

    public bool IsEmpty => _first == 0;

    public long First => _first;

    public long Last => _last;

    public void Add(long lsn, long address)
    {
        if (lsn <= _last)
        {
            throw new InvalidOperationException($"LSN {lsn} does not follow {_last}.");
        }

        if (_first == 0)
        {
            _chunks.Clear();
            _chunkBaseLsn = lsn & ~(long)ChunkMask;
            _first = lsn;
        }

        long slot = lsn - _chunkBaseLsn;
        int chunk = (int)(slot >> ChunkBits);
        while (_chunks.Count <= chunk)
        {
            _chunks.Add(new long[ChunkSize]);
        }

        _chunks[chunk][(int)(slot & ChunkMask)] = address;
        _last = lsn;
    }

    /// <summary>Finds the first present entry with LSN ≥ <paramref name="lsn"/>.</summary>
    public bool TryFindFrom(long lsn, out long foundLsn, out long address)
    {
        if (_first == 0 || lsn > _last)
        {
            foundLsn = 0;
            address = 0;
            return false;
        }

        for (long candidate = Math.Max(lsn, _first); candidate <= _last; candidate++)
        {
            long slot = candidate - _chunkBaseLsn;
            long value = _chunks[(int)(slot >> ChunkBits)][(int)(slot & ChunkMask)];
            if (value != 0)
            {
                foundLsn = candidate;
                address = value;
                return true;
            }
        }

        foundLsn = 0;
        address = 0;
        return false;
    }

    /// <summary>Forgets every LSN below <paramref name="lsn"/>.</summary>
    public void RemoveBelow(long lsn)
    {
        if (_first == 0 || lsn <= _first)
        {
            return;
        }

        if (!TryFindFrom(lsn, out long newFirst, out _))
        {
            _chunks.Clear();
            _first = 0;
            return; // _last stays: the next LSN must still exceed it
        }

        int dropChunks = (int)((newFirst - _chunkBaseLsn) >> ChunkBits);
        if (dropChunks > 0)
        {
            _chunks.RemoveRange(0, dropChunks);
            _chunkBaseLsn += (long)dropChunks << ChunkBits;
        }

        _first = newFirst;
    }
}
