namespace AgentDb.Memory.Graph;

/// <summary>
/// Conditions on a node, all of which must hold: it carries every label of <see cref="Labels"/> and every property of
/// <see cref="Properties"/> with an equal value (same kind and value). An empty filter matches every node.
/// </summary>
public sealed record GraphNodeFilter
{
    /// <summary>A filter that matches every node.</summary>
    public static GraphNodeFilter Any { get; } = new();

    /// <summary>Labels the node must all carry, or null.</summary>
    public IReadOnlyList<string>? Labels { get; init; }

    /// <summary>Properties the node must have with equal values, or null.</summary>
    public IReadOnlyDictionary<string, GraphValue>? Properties { get; init; }

    /// <summary>True when the filter has no condition.</summary>
    public bool IsEmpty => (Labels is null || Labels.Count == 0) && (Properties is null || Properties.Count == 0);

    /// <summary>A filter on one label.</summary>
    public static GraphNodeFilter WithLabel(string label) => new() { Labels = [label] };

    /// <summary>Whether <paramref name="node"/> satisfies the filter.</summary>
    public bool Matches(GraphNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (Labels is not null)
        {
            for (int i = 0; i < Labels.Count; i++)
            {
                if (!node.HasLabel(Labels[i]))
                {
                    return false;
                }
            }
        }

        return PropertiesMatch(Properties, node.Properties);
    }

    internal static bool PropertiesMatch(IReadOnlyDictionary<string, GraphValue>? wanted, IReadOnlyDictionary<string, GraphValue> actual)
    {
        if (wanted is null)
        {
            return true;
        }

        foreach (KeyValuePair<string, GraphValue> condition in wanted)
        {
            if (!actual.TryGetValue(condition.Key, out GraphValue value) || !value.Equals(condition.Value))
            {
                return false;
            }
        }

        return true;
    }
}
