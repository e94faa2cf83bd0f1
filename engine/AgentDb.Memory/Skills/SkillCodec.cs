using System.Buffers;
using MessagePack;

namespace AgentDb.Memory.Skills;

/// <summary>The MessagePack payload of a skill: a map with string keys; readers skip keys they do not know.</summary>
internal static class SkillCodec
{
    /// <summary>The payload format version written in <c>v</c>.</summary>
    public const int Version = 1;

    /// <summary>Writes <paramref name="skill"/>; <paramref name="sourceDigest"/> fingerprints the episodes a consolidated skill came from.</summary>
    public static void Write(IBufferWriter<byte> output, Skill skill, string? sourceDigest)
    {
        var writer = new MessagePackWriter(output);
        writer.WriteMapHeader(11);
        writer.WriteString("v"u8);
        writer.Write(Version);
        writer.WriteString("name"u8);
        writer.Write(skill.Name);
        writer.WriteString("description"u8);
        writer.Write(skill.Description);
        writer.WriteString("signature"u8);
        writer.Write(skill.Signature);
        writer.WriteString("code"u8);
        writer.Write(skill.Code);
        writer.WriteString("successRate"u8);
        writer.Write(skill.SuccessRate);
        writer.WriteString("uses"u8);
        writer.Write(skill.Uses);
        writer.WriteString("avgReward"u8);
        writer.Write(skill.AverageReward);
        writer.WriteString("avgLatencyMs"u8);
        writer.Write(skill.AverageLatencyMs);
        writer.WriteString("sourceTask"u8);
        writer.Write(skill.SourceTask);
        writer.WriteString("sourceDigest"u8);
        writer.Write(sourceDigest);
        writer.Flush();
    }

    /// <summary>Decodes the skill stored as <paramref name="record"/>; <paramref name="sourceDigest"/> receives its consolidation fingerprint.</summary>
    /// <exception cref="InvalidDataException">The payload is not a skill.</exception>
    public static Skill Read(StoredRecord record, out string? sourceDigest)
    {
        try
        {
            var reader = new MessagePackReader(record.Payload);
            int entries = reader.ReadMapHeader();
            string? name = null, description = null, signature = null, code = null, sourceTask = null;
            double successRate = 0, reward = 0, latency = 0;
            long uses = 0;
            sourceDigest = null;
            for (int e = 0; e < entries; e++)
            {
                if (reader.NextMessagePackType != MessagePackType.String || !reader.TryReadStringSpan(out ReadOnlySpan<byte> key))
                {
                    reader.Skip();
                    reader.Skip();
                    continue;
                }

                if (key.SequenceEqual("name"u8))
                {
                    name = reader.ReadString();
                }
                else if (key.SequenceEqual("description"u8))
                {
                    description = reader.ReadString();
                }
                else if (key.SequenceEqual("signature"u8))
                {
                    signature = reader.ReadString();
                }
                else if (key.SequenceEqual("code"u8))
                {
                    code = reader.ReadString();
                }
                else if (key.SequenceEqual("successRate"u8))
                {
                    successRate = reader.ReadDouble();
                }
                else if (key.SequenceEqual("uses"u8))
                {
                    uses = reader.ReadInt64();
                }
                else if (key.SequenceEqual("avgReward"u8))
                {
                    reward = reader.ReadDouble();
                }
                else if (key.SequenceEqual("avgLatencyMs"u8))
                {
                    latency = reader.ReadDouble();
                }
                else if (key.SequenceEqual("sourceTask"u8))
                {
                    sourceTask = reader.ReadString();
                }
                else if (key.SequenceEqual("sourceDigest"u8))
                {
                    sourceDigest = reader.ReadString();
                }
                else
                {
                    reader.Skip();
                }
            }

            return new Skill
            {
                Name = name ?? record.Id,
                Description = description,
                Signature = signature,
                Code = code,
                SuccessRate = successRate,
                Uses = uses,
                AverageReward = reward,
                AverageLatencyMs = latency,
                SourceTask = sourceTask,
                CreatedUnixMs = record.CreatedUnixMs,
                UpdatedUnixMs = record.UpdatedUnixMs,
                Vector = record.Vector,
            };
        }
        catch (Exception e) when (e is MessagePackSerializationException or EndOfStreamException or InvalidOperationException)
        {
            throw new InvalidDataException($"The skill '{record.Id}' in '{SkillLibrary.Collection}' is not a valid skill payload: {e.Message}", e);
        }
    }

    /// <summary>Reads only the success rate (for the search filter), without allocating.</summary>
    public static double ReadSuccessRate(StoredRecord record)
    {
        try
        {
            var reader = new MessagePackReader(record.Payload);
            int entries = reader.ReadMapHeader();
            for (int e = 0; e < entries; e++)
            {
                if (reader.NextMessagePackType != MessagePackType.String || !reader.TryReadStringSpan(out ReadOnlySpan<byte> key))
                {
                    reader.Skip(); // key
                }
                else if (key.SequenceEqual("successRate"u8))
                {
                    return reader.ReadDouble();
                }

                reader.Skip(); // value
            }

            return 0;
        }
        catch (Exception e) when (e is MessagePackSerializationException or EndOfStreamException or InvalidOperationException)
        {
            throw new InvalidDataException($"The skill '{record.Id}' in '{SkillLibrary.Collection}' is not a valid skill payload: {e.Message}", e);
        }
    }
}
