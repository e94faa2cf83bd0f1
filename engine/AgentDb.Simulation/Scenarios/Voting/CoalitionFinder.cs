namespace AgentDb.Simulation.Scenarios.Voting;

/// <summary>
/// Coalitions of voters: voters who give their first preference to the same candidate and whose preference vectors are
/// close (cosine similarity at least a threshold) are linked, and a coalition is a connected group of linked voters
/// (single linkage, so a coalition can be a chain of like-minded voters). Only voters with the same first preference
/// are compared, so the cost is the sum of the squares of the candidates' first-preference counts.
/// </summary>
internal static class CoalitionFinder
{
    /// <summary>The coalitions, largest first (ties: the one with the lowest member first); members ascending. Every
    /// voter with a first preference is in exactly one coalition (possibly alone); a voter whose
    /// <paramref name="firstPreferences"/> entry is negative (an empty ballot) is in none.</summary>
    /// <param name="firstPreferences">Each voter's first preference (a candidate index, or negative for none).</param>
    /// <param name="preferences">Each voter's L2-normalised preference vector.</param>
    /// <param name="similarityThreshold">The cosine similarity at which two voters are linked.</param>
    /// <exception cref="ArgumentException">The two lists differ in length.</exception>
    public static IReadOnlyList<int[]> Find(IReadOnlyList<int> firstPreferences, IReadOnlyList<float[]> preferences, float similarityThreshold)
    {
        ArgumentNullException.ThrowIfNull(firstPreferences);
        ArgumentNullException.ThrowIfNull(preferences);
        if (firstPreferences.Count != preferences.Count)
        {
            throw new ArgumentException("Each voter needs one first preference and one preference vector.", nameof(preferences));
        }

        int n = firstPreferences.Count;
        var byCandidate = new SortedDictionary<int, List<int>>();
        for (int v = 0; v < n; v++)
        {
            int top = firstPreferences[v];
            if (top < 0)
            {
                continue;
            }
            if (!byCandidate.TryGetValue(top, out var group))
            {
                group = [];
                byCandidate.Add(top, group);
            }
            group.Add(v);
        }

        var parent = new int[n];
        for (int v = 0; v < n; v++)
        {
            parent[v] = v;
        }
        foreach (var group in byCandidate.Values)
        {
            for (int i = 0; i < group.Count; i++)
            {
                for (int j = i + 1; j < group.Count; j++)
                {
                    if (PreferenceSpace.Dot(preferences[group[i]], preferences[group[j]]) >= similarityThreshold)
                    {
                        Union(parent, group[i], group[j]);
                    }
                }
            }
        }

        var members = new Dictionary<int, List<int>>();
        var order = new List<int>();
        for (int v = 0; v < n; v++)
        {
            if (firstPreferences[v] < 0)
            {
                continue;
            }
            int root = FindRoot(parent, v);
            if (!members.TryGetValue(root, out var list))
            {
                list = [];
                members.Add(root, list);
                order.Add(root);
            }
            list.Add(v);
        }

        var coalitions = new List<int[]>(order.Count);
        foreach (int root in order)
        {
            coalitions.Add([.. members[root]]);
        }
        // Stable: equal sizes keep the order of their lowest member.
        coalitions.Sort(static (a, b) => a.Length != b.Length ? b.Length.CompareTo(a.Length) : a[0].CompareTo(b[0]));
        return coalitions;
    }

    private static int FindRoot(int[] parent, int v)
    {
        while (parent[v] != v)
        {
            parent[v] = parent[parent[v]];
            v = parent[v];
        }
        return v;
    }

    private static void Union(int[] parent, int a, int b)
    {
        int ra = FindRoot(parent, a);
        int rb = FindRoot(parent, b);
        if (ra != rb)
        {
            // The lower index becomes the root, so the structure does not depend on the order of the unions.
            if (ra < rb)
            {
                parent[rb] = ra;
            }
            else
            {
                parent[ra] = rb;
            }
        }
    }
}
