using AgentDb.Wire.Messages;

namespace AgentDb.Server.Network.Auth;

/// <summary>One configured API key.</summary>
/// <param name="Name">A label for logs and errors; never the secret.</param>
/// <param name="Secret">The key clients send in HELLO.</param>
/// <param name="Role">What the key may do.</param>
internal sealed record ApiKey(string Name, string Secret, AccessRole Role)
{
    /// <summary>Shortest key accepted: short keys are guessable.</summary>
    public const int MinSecretLength = 16;

    /// <summary>Parses "read", "write", "admin" or "replication".</summary>
    public static bool TryParseRole(string? text, out AccessRole role)
    {
        role = text switch
        {
            "read" => AccessRole.Read,
            "write" => AccessRole.Write,
            "admin" => AccessRole.Admin,
            "replication" => AccessRole.Replication,
            _ => AccessRole.None,
        };
        return role != AccessRole.None;
    }

    /// <summary>Null when <paramref name="secret"/> is acceptable, else the reason.</summary>
    public static string? CheckSecret(string secret)
    {
        if (secret.Length < MinSecretLength)
        {
            return $"must be at least {MinSecretLength} characters";
        }
        if (System.Text.Encoding.UTF8.GetByteCount(secret) > WireLimits.MaxApiKeyBytes)
        {
            return $"must be at most {WireLimits.MaxApiKeyBytes} bytes";
        }
        foreach (var c in secret)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c) || c == ',')
            {
                return "must not contain whitespace, control characters or commas";
            }
        }
        return null;
    }

    /// <summary>Null when <paramref name="name"/> is acceptable (1–64 of A–Z a–z 0–9 . _ -), else the reason.</summary>
    public static string? CheckName(string name)
    {
        if (name.Length is 0 or > 64)
        {
            return "must be 1 to 64 characters";
        }
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-'))
            {
                return "may only contain letters, digits, '.', '_' and '-'";
            }
        }
        return null;
    }
}
