using System.Text.RegularExpressions;
using Akka.Configuration;
using Akka.Configuration.Hocon;
using Chorus.Hosting;

namespace Chorus.Node.Spec;

/// <summary>
/// Reads a <c>--spec FILE</c> (HOCON: <c>processes { NAME { command = "..." ... } }</c>) into the processes a node runs,
/// refusing at start everything it cannot run as written (README, "Process spec (--spec)"). Running them (restarts,
/// readiness, dependencies, replicas) is the node's job; this only says what to run.
/// </summary>
public static class SpecFile
{
    private static readonly string[] TopKeys = ["processes"];
    private const string Example = "processes { web { command = \"python3 -m http.server 8000\" } }";

    /// <param name="path">The path as the user gave it; messages repeat it unchanged.</param>
    /// <param name="underEnvironment">What --env-file set: each process's env-files and environment go over it.</param>
    public static IReadOnlyList<ProcessSpec> Load(string path, IReadOnlyDictionary<string, string> underEnvironment)
    {
        var text = UserFile.ReadAllText(path,
            () => new SpecException($"Spec \"{path}\" is a directory. Pass the file itself with --spec, e.g. --spec {Path.Combine(path, "stack.conf")}."),
            () => new SpecException($"Spec \"{path}\" was not found. Pass an existing file with --spec, e.g. --spec examples/n1.conf."),
            reason => new SpecException($"Spec \"{path}\" could not be read: {reason} Check that the file exists and is readable."));
        return Parse(text, path, Path.GetDirectoryName(path) ?? "", underEnvironment);
    }

    /// <param name="file">Where the text came from, as the user knows it; used in messages.</param>
    /// <param name="folder">What relative paths in the spec (working-dir, env-files) are relative to.</param>
    public static IReadOnlyList<ProcessSpec> Parse(string text, string file, string folder, IReadOnlyDictionary<string, string> underEnvironment)
    {
        SpecSyntax.Check(text, file);
        HoconValue root;
        try
        {
            root = ConfigurationFactory.ParseString(text).Root;
        }
        catch (Exception e) when (e is FormatException or ConfigurationException or NullReferenceException or InvalidOperationException)
        {
            throw SyntaxError(text, file, e.Message);
        }
        if (root.Values.Count == 0 || (root.IsObject() && root.GetObject().Items.Count == 0))
            throw new SpecException($"{file}: defines no processes; write at least one, e.g. {Example}.");
        var top = new SpecValue(root, "", file).Object(TopKeys, Example);
        var block = top.Get("processes") ?? throw new SpecException($"{file}: has no processes block; write e.g. {Example}.");
        var processes = block.Object(null, Example);
        var specs = processes.Keys.Select(name => ProcessReader.Read(name, processes.Get(name)!, folder, underEnvironment)).ToArray();
        if (specs.Length == 0) throw block.Error("defines no processes", $"write at least one, e.g. {Example}");
        DependencyCheck.Check(specs, file);
        return specs;
    }

    // Akka's parser says "Unknown token at position N: " followed by the text; the line is what a person can find.
    private static SpecException SyntaxError(string text, string file, string message)
    {
        var match = Regex.Match(message, @"at position (\d+)");
        var where = match.Success && int.TryParse(match.Groups[1].Value, out var position) && position <= text.Length
            ? $" line {text.AsSpan(0, position).Count('\n') + 1}"
            : "";
        var first = message.Split('\n')[0].Split(':')[0].Trim();
        return new SpecException($"{file}{where}: is not valid HOCON ({first}); write one entry a line, without a comma after a '}}' " +
                                 $"(Akka's parser refuses it), e.g. {Example}.");
    }
}
