using AgentDb.Wire.Messages.Memory;

namespace AgentDb.Server.Tests.Memory;

/// <summary>Small builders for the wire records the end-to-end tests send.</summary>
internal static class MemoryTestData
{
    public static readonly Dictionary<string, PropertyValue> NoProperties = [];

    public static WireEpisode Episode(
        string task, double reward, bool success, string? id = null, string? session = null, string? critique = null, long? timestamp = null) =>
        new(id, session, task, "input", "output", critique, reward, success, 10, 100, ["t"], new Dictionary<string, string> { ["k"] = "v" },
            timestamp, ReadOnlyMemory<float>.Empty);

    public static WireSkill Skill(string name, string description, double successRate = 0.5, long uses = 2) =>
        new(name, description, "f(x)", "return x;", successRate, uses, 0.5, 10, ReadOnlyMemory<float>.Empty);

    public static WireGraphNodeInput Node(string id, string label, Dictionary<string, PropertyValue>? properties = null, string? text = null) =>
        new(id, [label], properties ?? NoProperties, text);

    public static WireGraphEdgeInput Edge(string from, string type, string to, string? id = null) => new(from, type, to, id, NoProperties);
}
