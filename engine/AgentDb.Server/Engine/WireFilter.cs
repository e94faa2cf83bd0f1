using AgentDb.Server.Network.Handlers;
using AgentDb.Wire.Messages;
using MessagePack;

namespace AgentDb.Server.Engine;

/// <summary>
/// Translates a SEARCH filter (PROTOCOL.md 7.3: a map of top-level payload key → value, all equal) into a
/// <see cref="PayloadFilter"/>. The engine compares strings only, so a value that is not a string is BAD_REQUEST.
/// </summary>
internal static class WireFilter
{
    /// <summary>The payload filter for <paramref name="filter"/>, or null when it is empty (nil) or an empty map.</summary>
    /// <exception cref="RequestException">BAD_REQUEST: a key or value is not a string, or there are over 64 keys.</exception>
    public static PayloadFilter? ToPayloadFilter(ReadOnlyMemory<byte> filter)
    {
        if (filter.IsEmpty)
        {
            return null;
        }
        var reader = new MessagePackReader(filter);
        PayloadFilter? result = null;
        try
        {
            var entries = reader.ReadMapHeader();
            for (var i = 0; i < entries; i++)
            {
                if (reader.NextMessagePackType != MessagePackType.String)
                {
                    throw Unsupported("filter keys must be strings");
                }
                var key = reader.ReadString()!;
                if (reader.NextMessagePackType != MessagePackType.String)
                {
                    throw Unsupported($"filter value for '{key}' must be a string (only string equality is supported)");
                }
                var value = reader.ReadString()!;
                result = result is null ? PayloadFilter.Where(key, value) : result.And(key, value);
            }
        }
        catch (MessagePackSerializationException e)
        {
            throw Unsupported($"filter is not a valid map: {e.Message}");
        }
        catch (ArgumentException e)
        {
            throw Unsupported(e.Message);
        }
        return result;
    }

    private static RequestException Unsupported(string message) => new(ErrorCode.BadRequest, $"unsupported filter: {message}");
}
