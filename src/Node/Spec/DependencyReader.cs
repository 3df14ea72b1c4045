using Chorus.Hosting;

namespace Chorus.Node.Spec;

/// <summary>A process's <c>depends-on</c> list: <c>{ process = "db", condition = ready }</c>, "db@n1" for another node's process.</summary>
internal static class DependencyReader
{
    private static readonly string[] Keys = ["process", "condition"];
    private const string Example = "depends-on = [ { process = \"db\", condition = ready } ]";
    private const string Conditions = "started, ready, completed or completed-successfully";

    public static IReadOnlyList<Dependency> Read(SpecValue list) =>
        list.Array(Example).Select(Entry).ToArray();

    private static Dependency Entry(SpecValue entry)
    {
        var block = entry.Object(Keys, "{ process = \"db\", condition = ready }");
        var target = block.Get("process") ?? throw block.Error("has no process", "name what it waits for, e.g. { process = \"db\", condition = ready }");
        var written = target.Text("process = \"db\" or process = \"db@n1\"");
        var at = written.IndexOf('@');
        var process = at < 0 ? written : written[..at];
        var node = at < 0 ? null : written[(at + 1)..];
        if (SpecNames.ProblemWith(process) is { } problem)
            throw target.Error($"{problem}: {SpecNames.Rule}", "write the name of a process, e.g. process = \"db\", or of another node's process, e.g. process = \"db@n1\"");
        if (node is not null && !NodeName.IsValid(node))
            throw target.Error($"\"{node}\" after the @ is not a node name: {NodeName.Rule}", "write e.g. process = \"db@n1\"");
        var condition = block.Get("condition") is { } c ? Condition(c) : DependencyCondition.Started;
        return new Dependency(process, node, condition);
    }

    private static DependencyCondition Condition(SpecValue value) => value.Text(Conditions) switch
    {
        "started" => DependencyCondition.Started,
        "ready" => DependencyCondition.Ready,
        "completed" => DependencyCondition.Completed,
        "completed-successfully" => DependencyCondition.CompletedSuccessfully,
        var other => throw value.Error($"\"{other}\" is not a condition", $"write one of {Conditions}"),
    };
}
