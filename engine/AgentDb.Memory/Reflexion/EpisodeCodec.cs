using System.Buffers;
using System.Collections.ObjectModel;
using MessagePack;

namespace AgentDb.Memory.Reflexion;

/// <summary>
/// The MessagePack payloads of reflexion: an episode (a map with string keys; <c>session</c> a top-level string and
/// <c>tags</c> a top-level string array, so <see cref="PayloadFilter"/> can test them) and a task-index entry. Readers
/// skip keys they do not know, so fields can be added later.
/// </summary>
internal static class EpisodeCodec
{
    /// <summary>The payload format version written in <c>v</c>.</summary>
    public const int Version = 1;

    /// <summary>Writes the payload of <paramref name="episode"/>, stored at <paramref name="timestampUnixMs"/>.</summary>
    public static void WriteEpisode(IBufferWriter<byte> output, Episode episode, long timestampUnixMs)
    {
        var writer = new MessagePackWriter(output);
        writer.WriteMapHeader(13);
        writer.WriteString("v"u8);
        writer.Write(Version);
        writer.WriteString("session"u8);
        writer.Write(episode.SessionId);
        writer.WriteString("task"u8);
        writer.Write(episode.Task);
        writer.WriteString("input"u8);
        writer.Write(episode.Input);
        writer.WriteString("output"u8);
        writer.Write(episode.Output);
        writer.WriteString("critique"u8);
        writer.Write(episode.Critique);
        writer.WriteString("reward"u8);
        writer.Write(episode.Reward);
        writer.WriteString("success"u8);
        writer.Write(episode.Success);
        writer.WriteString("latencyMs"u8);
        writer.Write(episode.LatencyMs);
        writer.WriteString("tokens"u8);
        writer.Write(episode.TokensUsed);
        writer.WriteString("ts"u8);
        writer.Write(timestampUnixMs);
        writer.WriteString("tags"u8);
        IReadOnlyList<string> tags = episode.Tags;
        writer.WriteArrayHeader(tags.Count);
        for (int i = 0; i < tags.Count; i++)
        {
            writer.Write(tags[i]);
        }

        writer.WriteString("metadata"u8);
        writer.WriteMapHeader(episode.Metadata.Count);
        foreach (KeyValuePair<string, string> pair in episode.Metadata)
        {
            writer.Write(pair.Key);
            writer.Write(pair.Value);
        }

        writer.Flush();
    }

    /// <summary>Reads only what the numeric filters need, without allocating.</summary>
    /// <exception cref="InvalidDataException">The payload is not an episode.</exception>
    public static EpisodeScalars ReadScalars(string id, ReadOnlyMemory<byte> payload)
    {
        try
        {
            var reader = new MessagePackReader(payload);
            int entries = reader.ReadMapHeader();
            var scalars = default(EpisodeScalars);
            for (int e = 0; e < entries; e++)
            {
                ReadOnlySpan<byte> key = ReadKey(ref reader);
                if (key.SequenceEqual("reward"u8))
                {
                    scalars.Reward = reader.ReadDouble();
                }
                else if (key.SequenceEqual("success"u8))
                {
                    scalars.Success = reader.ReadBoolean();
                }
                else if (key.SequenceEqual("ts"u8))
                {
                    scalars.TimestampUnixMs = reader.ReadInt64();
                }
                else
                {
                    reader.Skip();
                }
            }

            return scalars;
        }
        catch (Exception e) when (e is MessagePackSerializationException or EndOfStreamException or InvalidOperationException)
        {
            throw Corrupt(id, e);
        }
    }

    /// <summary>Decodes the whole episode stored as record <paramref name="id"/>.</summary>
    /// <exception cref="InvalidDataException">The payload is not an episode.</exception>
    public static Episode ReadEpisode(string id, ReadOnlyMemory<byte> payload, float[]? vector)
    {
        try
        {
            var reader = new MessagePackReader(payload);
            int entries = reader.ReadMapHeader();
            var fields = default(TaskFields);
            string? session = null, input = null, output = null, critique = null;
            long tokens = 0;
            IReadOnlyList<string> tags = ReadOnlyCollection<string>.Empty;
            IReadOnlyDictionary<string, string> metadata = ReadOnlyDictionary<string, string>.Empty;
            for (int e = 0; e < entries; e++)
            {
                ReadOnlySpan<byte> key = ReadKey(ref reader);
                if (fields.TryRead(key, ref reader, task: null, out _))
                {
                    continue;
                }

                switch (key.Length)
                {
                    case 4 when key.SequenceEqual("tags"u8):
                        tags = ReadStrings(ref reader);
                        break;
                    case 5 when key.SequenceEqual("input"u8):
                        input = reader.ReadString();
                        break;
                    case 6 when key.SequenceEqual("output"u8):
                        output = reader.ReadString();
                        break;
                    case 6 when key.SequenceEqual("tokens"u8):
                        tokens = reader.ReadInt64();
                        break;
                    case 7 when key.SequenceEqual("session"u8):
                        session = reader.ReadString();
                        break;
                    case 8 when key.SequenceEqual("critique"u8):
                        critique = reader.ReadString();
                        break;
                    case 8 when key.SequenceEqual("metadata"u8):
                        metadata = ReadStringMap(ref reader);
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            if (fields.Task is null)
            {
                throw new InvalidDataException($"The episode '{id}' in '{ReflexionMemory.Collection}' has no task.");
            }

            return new Episode
            {
                Id = id,
                SessionId = session,
                Task = fields.Task,
                Input = input,
                Output = output,
                Critique = critique,
                Reward = fields.Reward,
                Success = fields.Success,
                LatencyMs = fields.LatencyMs,
                TokensUsed = tokens,
                Tags = tags,
                Metadata = metadata,
                TimestampUnixMs = fields.TimestampUnixMs,
                Vector = vector,
            };
        }
        catch (Exception e) when (e is MessagePackSerializationException or EndOfStreamException or InvalidOperationException)
        {
            throw Corrupt(id, e);
        }
    }

    /// <summary>
    /// The task-index entry of the episode stored as record <paramref name="id"/> (for episodes found by a prefix scan of
    /// the episodes themselves), or null when its task is not <paramref name="task"/> (a hash collision). A null
    /// <paramref name="task"/> accepts any task.
    /// </summary>
    /// <exception cref="InvalidDataException">The payload is not an episode.</exception>
    public static TaskIndexEntry? ReadTaskEntryFromEpisode(string id, ReadOnlyMemory<byte> payload, string? task, int shard)
    {
        try
        {
            var reader = new MessagePackReader(payload);
            int entries = reader.ReadMapHeader();
            var fields = default(TaskFields);
            for (int e = 0; e < entries; e++)
            {
                ReadOnlySpan<byte> field = ReadKey(ref reader);
                if (fields.TryRead(field, ref reader, task, out bool sameTask))
                {
                    if (!sameTask)
                    {
                        return null;
                    }
                }
                else if (field.SequenceEqual("critique"u8))
                {
                    fields.Critiqued = !reader.TryReadNil() && (reader.TryReadStringSpan(out ReadOnlySpan<byte> critique) ? critique.Length > 0 : !string.IsNullOrEmpty(reader.ReadString()));
                }
                else
                {
                    reader.Skip();
                }
            }

            if (fields.Task is null)
            {
                throw new InvalidDataException($"The episode '{id}' in '{ReflexionMemory.Collection}' has no task.");
            }

            return fields.ToEntry(id, shard);
        }
        catch (Exception e) when (e is MessagePackSerializationException or EndOfStreamException or InvalidOperationException)
        {
            throw Corrupt(id, e);
        }
    }

    /// <summary>Writes a task-index entry (for an episode with a caller id): everything statistics need.</summary>
    public static void WriteTaskEntry(IBufferWriter<byte> output, string episodeId, Episode episode, long timestampUnixMs)
    {
        var writer = new MessagePackWriter(output);
        writer.WriteMapHeader(8);
        writer.WriteString("v"u8);
        writer.Write(Version);
        writer.WriteString("id"u8);
        writer.Write(episodeId);
        writer.WriteString("task"u8);
        writer.Write(episode.Task);
        writer.WriteString("reward"u8);
        writer.Write(episode.Reward);
        writer.WriteString("success"u8);
        writer.Write(episode.Success);
        writer.WriteString("latencyMs"u8);
        writer.Write(episode.LatencyMs);
        writer.WriteString("ts"u8);
        writer.Write(timestampUnixMs);
        writer.WriteString("critiqued"u8);
        writer.Write(!string.IsNullOrEmpty(episode.Critique));
        writer.Flush();
    }

    /// <summary>Decodes a task-index entry, or returns null when its task is not <paramref name="task"/> (a hash collision).</summary>
    /// <exception cref="InvalidDataException">The payload is not a task-index entry.</exception>
    public static TaskIndexEntry? ReadTaskEntry(string key, ReadOnlyMemory<byte> payload, string? task, int shard)
    {
        try
        {
            var reader = new MessagePackReader(payload);
            int entries = reader.ReadMapHeader();
            string? id = null;
            var fields = default(TaskFields);
            for (int e = 0; e < entries; e++)
            {
                ReadOnlySpan<byte> field = ReadKey(ref reader);
                if (fields.TryRead(field, ref reader, task, out bool sameTask))
                {
                    if (!sameTask)
                    {
                        return null;
                    }
                }
                else if (field.SequenceEqual("id"u8))
                {
                    id = reader.ReadString();
                }
                else if (field.SequenceEqual("critiqued"u8))
                {
                    fields.Critiqued = reader.ReadBoolean();
                }
                else
                {
                    reader.Skip();
                }
            }

            if (id is null || fields.Task is null)
            {
                throw new InvalidDataException($"The task-index entry '{key}' in '{ReflexionMemory.TaskIndexCollection}' lacks its episode id or task.");
            }

            return fields.ToEntry(id, shard);
        }
        catch (Exception e) when (e is MessagePackSerializationException or EndOfStreamException or InvalidOperationException)
        {
            throw new InvalidDataException($"The task-index entry '{key}' in '{ReflexionMemory.TaskIndexCollection}' is not valid: {e.Message}", e);
        }
    }

    /// <summary>
    /// The fields an episode and its task-index entry share under the same keys (task, reward, success, latencyMs, ts),
    /// read the same way for the episode decoders and the task-index decoder; each payload says on its own whether the
    /// episode was critiqued.
    /// </summary>
    private struct TaskFields
    {
        public string? Task;
        public double Reward;
        public bool Success;
        public long LatencyMs;
        public long TimestampUnixMs;
        public bool Critiqued;

        /// <summary>
        /// Reads the value of <paramref name="key"/> when it is one of the shared fields; false (nothing read) otherwise.
        /// <paramref name="sameTask"/> is false only when the task was read and is not <paramref name="task"/>.
        /// </summary>
        public bool TryRead(scoped ReadOnlySpan<byte> key, ref MessagePackReader reader, string? task, out bool sameTask)
        {
            sameTask = true;
            switch (key.Length)
            {
                case 2 when key.SequenceEqual("ts"u8):
                    TimestampUnixMs = reader.ReadInt64();
                    return true;
                case 4 when key.SequenceEqual("task"u8):
                    sameTask = ReadTask(ref reader, task, out Task);
                    return true;
                case 6 when key.SequenceEqual("reward"u8):
                    Reward = reader.ReadDouble();
                    return true;
                case 7 when key.SequenceEqual("success"u8):
                    Success = reader.ReadBoolean();
                    return true;
                case 9 when key.SequenceEqual("latencyMs"u8):
                    LatencyMs = reader.ReadInt64();
                    return true;
                default:
                    return false;
            }
        }

        public readonly TaskIndexEntry ToEntry(string episodeId, int shard) =>
            new(episodeId, Task!, Reward, Success, LatencyMs, TimestampUnixMs, Critiqued, shard);
    }

    /// <summary>
    /// Reads the task string: any task when <paramref name="task"/> is null, else false unless it equals
    /// <paramref name="task"/> (compared in place: the common case, the same task, allocates nothing).
    /// </summary>
    private static bool ReadTask(ref MessagePackReader reader, string? task, out string? storedTask)
    {
        if (task is null)
        {
            storedTask = reader.ReadString();
            return true;
        }

        if (!reader.TryReadStringSpan(out ReadOnlySpan<byte> utf8))
        {
            storedTask = reader.ReadString();
            return storedTask == task;
        }

        storedTask = task;
        return Utf8Equals(utf8, task);
    }

    private static bool Utf8Equals(ReadOnlySpan<byte> utf8, string text)
    {
        if (utf8.Length > 512)
        {
            return System.Text.Encoding.UTF8.GetString(utf8) == text;
        }

        Span<char> chars = stackalloc char[utf8.Length];
        int length = System.Text.Encoding.UTF8.GetChars(utf8, chars);
        return chars[..length].SequenceEqual(text);
    }

    private static ReadOnlySpan<byte> ReadKey(ref MessagePackReader reader)
    {
        if (reader.NextMessagePackType == MessagePackType.String && reader.TryReadStringSpan(out ReadOnlySpan<byte> key))
        {
            return key;
        }

        reader.Skip(); // a key we could not read in place is not one of ours
        return default;
    }

    private static IReadOnlyList<string> ReadStrings(ref MessagePackReader reader)
    {
        if (reader.TryReadNil())
        {
            return ReadOnlyCollection<string>.Empty;
        }

        int count = reader.ReadArrayHeader();
        if (count == 0)
        {
            return ReadOnlyCollection<string>.Empty;
        }

        var values = new string[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = reader.ReadString() ?? string.Empty;
        }

        return new ReadOnlyCollection<string>(values);
    }

    private static IReadOnlyDictionary<string, string> ReadStringMap(ref MessagePackReader reader)
    {
        if (reader.TryReadNil())
        {
            return ReadOnlyDictionary<string, string>.Empty;
        }

        int count = reader.ReadMapHeader();
        if (count == 0)
        {
            return ReadOnlyDictionary<string, string>.Empty;
        }

        var values = new Dictionary<string, string>(count, StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            string key = reader.ReadString() ?? string.Empty;
            values[key] = reader.ReadString() ?? string.Empty;
        }

        return new ReadOnlyDictionary<string, string>(values);
    }

    private static InvalidDataException Corrupt(string id, Exception inner) =>
        new($"The episode '{id}' in '{ReflexionMemory.Collection}' is not a valid episode payload: {inner.Message}", inner);
}

/// <summary>The fields of an episode the numeric filters test.</summary>
internal struct EpisodeScalars
{
    public double Reward;
    public bool Success;
    public long TimestampUnixMs;
}

/// <summary>One episode as the task index records it.</summary>
internal sealed record TaskIndexEntry(string EpisodeId, string Task, double Reward, bool Success, long LatencyMs, long TimestampUnixMs, bool HasCritique, int Shard);
