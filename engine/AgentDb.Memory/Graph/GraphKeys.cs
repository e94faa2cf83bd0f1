using System.Text;

namespace AgentDb.Memory.Graph;

/// <summary>
/// Record ids of the graph's index collections and the rules on the names inside them.
/// <list type="bullet">
/// <item><c>mem.graph.adjacency</c>: <c>o/{from}/{type}/{to}/{edgeId}</c> and <c>i/{to}/{type}/{from}/{edgeId}</c>, so a
/// node's out- or in-edges (of one type) are one prefix scan; the payload holds the edge's properties.</item>
/// <item><c>mem.graph.labels</c>: <c>l/{label}/{nodeId}</c>, empty payload, so the nodes of a label are one prefix scan.</item>
/// </list>
/// Ids, labels and types may not contain the separator <c>'/'</c> (refused, not escaped: ids stay readable in the keys
/// and a key splits unambiguously). Their UTF-8 lengths are capped so the longest key (2 + 128 + 1 + 96 + 1 + 128 + 1 +
/// 128 = 485 bytes) fits the engine's 512-byte record id.
/// </summary>
internal static class GraphKeys
{
    public const char Separator = '/';
    public const char OutTag = 'o';
    public const char InTag = 'i';

    /// <summary>Checks a node or edge id.</summary>
    /// <exception cref="ArgumentException">The id is null, empty, too long or contains '/'.</exception>
    public static void ValidateId(string? id, string what, string parameterName) => Validate(id, GraphStore.MaxIdBytes, what, parameterName);

    /// <summary>Checks a label or an edge type.</summary>
    /// <exception cref="ArgumentException">The name is null, empty, too long or contains '/'.</exception>
    public static void ValidateName(string? name, string what, string parameterName) => Validate(name, GraphStore.MaxNameBytes, what, parameterName);

    public static string Adjacency(char tag, string node, string type, string other, string edgeId) =>
        string.Concat([tag.ToString(), "/", node, "/", type, "/", other, "/", edgeId]);

    public static string Out(string from, string type, string to, string edgeId) => Adjacency(OutTag, from, type, to, edgeId);

    public static string In(string to, string type, string from, string edgeId) => Adjacency(InTag, to, type, from, edgeId);

    /// <summary><c>{tag}/{node}/</c>: every edge of a node in one direction.</summary>
    public static string NodePrefix(char tag, string node) => string.Concat(tag == OutTag ? "o/" : "i/", node, "/");

    /// <summary><c>{tag}/{node}/{type}/</c>: a node's edges of one type in one direction.</summary>
    public static string TypedPrefix(char tag, string node, string type) => string.Concat([tag == OutTag ? "o/" : "i/", node, "/", type, "/"]);

    public static string Label(string label, string nodeId) => string.Concat("l/", label, "/", nodeId);

    public static string LabelPrefix(string label) => string.Concat("l/", label, "/");

    /// <summary>The exclusive upper bound of a prefix that ends with the separator: '/' + 1 is '0'.</summary>
    public static string UpperBound(string prefix) => string.Concat(prefix.AsSpan(0, prefix.Length - 1), "0");

    /// <summary>The smallest id greater than <paramref name="id"/> in UTF-8 byte order.</summary>
    public static string Successor(string id) => id + "\0";

    /// <summary>Splits <c>{tag}/{node}/{type}/{other}/{edgeId}</c>.</summary>
    /// <exception cref="InvalidDataException">The key does not have that shape.</exception>
    public static void ParseAdjacency(string key, out string type, out string other, out string edgeId)
    {
        int first = key.IndexOf(Separator, 2);
        int second = first < 0 ? -1 : key.IndexOf(Separator, first + 1);
        int third = second < 0 ? -1 : key.IndexOf(Separator, second + 1);
        if (key.Length < 9 || key[1] != Separator || third < 0 || third == key.Length - 1)
        {
            throw new InvalidDataException($"The graph adjacency record '{key}' is malformed.");
        }

        type = key.Substring(first + 1, second - first - 1);
        other = key.Substring(second + 1, third - second - 1);
        edgeId = key.Substring(third + 1);
    }

    private static void Validate(string? value, int maxBytes, string what, string parameterName)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new ArgumentException($"The {what} must not be null or empty.", parameterName);
        }

        if (value.Contains(Separator))
        {
            throw new ArgumentException($"The {what} '{value}' contains '{Separator}', which graph names may not contain.", parameterName);
        }

        if (value.Length > maxBytes || (value.Length > maxBytes / 3 && Encoding.UTF8.GetByteCount(value) > maxBytes))
        {
            throw new ArgumentException($"The {what} '{Truncate(value)}' is longer than {maxBytes} UTF-8 bytes.", parameterName);
        }
    }

    private static string Truncate(string value) => value.Length <= 40 ? value : string.Concat(value.AsSpan(0, 40), "…");
}
