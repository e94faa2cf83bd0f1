using System.Diagnostics.CodeAnalysis;

namespace AgentDb.Server.Network.Auth;

/// <summary>Parses the <c>AGENTDB_API_KEYS</c> variable: comma-separated <c>name:role:key</c> entries.</summary>
internal static class ApiKeyListParser
{
    public static bool TryParse(string text, [NotNullWhen(true)] out List<ApiKey>? keys, [NotNullWhen(false)] out string? error)
    {
        keys = [];
        error = null;
        var entries = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < entries.Length; i++)
        {
            var parts = entries[i].Split(':', 3);
            if (parts.Length != 3)
            {
                error = $"entry {i + 1} is not name:role:key";
                break;
            }
            if (ApiKey.CheckName(parts[0]) is { } badName)
            {
                error = $"entry {i + 1}: name {badName}";
                break;
            }
            if (!ApiKey.TryParseRole(parts[1], out var role))
            {
                error = $"entry {i + 1}: role '{parts[1]}' is not read, write, admin or replication";
                break;
            }
            if (ApiKey.CheckSecret(parts[2]) is { } badKey)
            {
                error = $"entry {i + 1}: key {badKey}";
                break;
            }
            keys.Add(new ApiKey(parts[0], parts[2], role));
        }
        if (error is null && keys.Count == 0)
        {
            error = "no entries (expected name:role:key[,name:role:key...])";
        }
        if (error is not null)
        {
            keys = null;
            return false;
        }
        return true;
    }
}
