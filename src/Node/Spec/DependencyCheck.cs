namespace Chorus.Node.Spec;

/// <summary>
/// The local dependencies of a whole spec: each names a process the spec has, and none goes round in a circle
/// (a circle would keep every process on it waiting for good). Dependencies on other nodes are checked by the
/// aggregator, which knows them.
/// </summary>
internal static class DependencyCheck
{
    public static void Check(IReadOnlyList<ProcessSpec> processes, string file)
    {
        var byName = processes.ToDictionary(p => p.Name, StringComparer.Ordinal);
        foreach (var process in processes)
        {
            for (var i = 0; i < process.DependsOn.Count; i++)
            {
                var dependency = process.DependsOn[i];
                if (dependency.Node is null && !byName.ContainsKey(dependency.Process))
                    throw new SpecException($"{file}: processes.{process.Name}.depends-on[{i}].process: \"{dependency.Process}\" is not a process of this spec; " +
                                            $"name one of {string.Join(", ", byName.Keys)}, or another node's process as \"{dependency.Process}@NODE\".");
            }
        }
        var done = new HashSet<string>(StringComparer.Ordinal);
        foreach (var process in processes)
        {
            if (FindCycle(process.Name, byName, done, []) is { } cycle)
                throw new SpecException($"{file}: processes.{cycle[0]}.depends-on: the local dependencies go round in a circle ({string.Join(" -> ", cycle)}), " +
                                        "so none of them would ever start; remove one of these dependencies.");
        }
    }

    // Depth first; `path` holds the names being followed, `done` the names already known to reach no circle.
    private static List<string>? FindCycle(string name, Dictionary<string, ProcessSpec> byName, HashSet<string> done, List<string> path)
    {
        var seenAt = path.IndexOf(name);
        if (seenAt >= 0) return [.. path[seenAt..], name];
        if (done.Contains(name)) return null;
        path.Add(name);
        foreach (var dependency in byName[name].DependsOn.Where(d => d.Node is null))
        {
            if (FindCycle(dependency.Process, byName, done, path) is { } cycle) return cycle;
        }
        path.RemoveAt(path.Count - 1);
        done.Add(name);
        return null;
    }
}
