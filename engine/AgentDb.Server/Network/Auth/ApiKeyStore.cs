using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using AgentDb.Wire.Messages;

namespace AgentDb.Server.Network.Auth;

/// <summary>
/// The API keys a server accepts. Keys are kept as SHA-256 digests and compared in constant time, every key every
/// time, so neither timing nor an early exit reveals how much of a guess was right. With no keys, authentication is
/// off and every connection is admin.
/// </summary>
internal sealed class ApiKeyStore
{
    private readonly (byte[] Digest, ApiKey Key)[] _keys;

    public ApiKeyStore(IReadOnlyList<ApiKey> keys)
    {
        _keys = new (byte[], ApiKey)[keys.Count];
        for (var i = 0; i < keys.Count; i++)
        {
            _keys[i] = (SHA256.HashData(Encoding.UTF8.GetBytes(keys[i].Secret)), keys[i]);
        }
    }

    /// <summary>A store with no keys: authentication disabled.</summary>
    public static ApiKeyStore Disabled { get; } = new([]);

    public bool IsEnabled => _keys.Length > 0;

    public int Count => _keys.Length;

    /// <summary>Checks a HELLO's key.</summary>
    /// <param name="secret">The key from HELLO, or null.</param>
    /// <param name="key">The matching key; with authentication off, a synthetic admin key named "anonymous".</param>
    /// <param name="reason">Why the key was refused.</param>
    public bool TryAuthenticate(string? secret, [NotNullWhen(true)] out ApiKey? key, [NotNullWhen(false)] out string? reason)
    {
        key = null;
        if (!IsEnabled)
        {
            key = new ApiKey("anonymous", "", AccessRole.Admin);
            reason = null;
            return true;
        }
        if (string.IsNullOrEmpty(secret))
        {
            reason = "this server requires an API key in HELLO";
            return false;
        }
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(secret), digest);
        foreach (var (candidate, configured) in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(candidate, digest))
            {
                key ??= configured;
            }
        }
        reason = key is null ? "invalid API key" : null;
        return key is not null;
    }
}
