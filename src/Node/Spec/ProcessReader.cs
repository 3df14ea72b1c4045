using System.Collections.Immutable;
using Chorus.Hosting;
using Chorus.Node.Procfile;

namespace Chorus.Node.Spec;

/// <summary>One <c>processes.NAME</c> block of a spec, checked key by key, into a <see cref="ProcessSpec"/>.</summary>
internal static class ProcessReader
{
    private static readonly string[] Keys =
    [
        "command", "working-dir", "environment", "env-files", "groups", "labels", "replicas", "stop-signal", "stop-grace",
        "stdin", "tty", "restart", "restart-backoff", "max-restarts", "restart-window", "readiness", "depends-on",
    ];

    private static readonly string[] BackoffKeys = ["initial", "max", "factor", "jitter"];

    /// <param name="folder">The spec file's folder as the user wrote it ("" for the current one): paths in the spec are relative to it.</param>
    /// <param name="underEnvironment">What --env-file set: every process's own env-files and environment go over it.</param>
    public static ProcessSpec Read(string name, SpecValue value, string folder, IReadOnlyDictionary<string, string> underEnvironment)
    {
        var block = value.Object(Keys, "{ command = \"python3 app.py\" }");
        if (SpecNames.ProblemWith(name) is { } problem)
            throw block.Error($"{problem}: {SpecNames.Rule}", "rename it, e.g. processes { web { command = \"...\" } }");
        var commandValue = block.Get("command") ?? throw block.Error("has no command", "add the command to run by /bin/sh -c, e.g. command = \"python3 app.py\"");
        var command = commandValue.Text("command = \"python3 app.py\"").Trim();
        if (command.Length == 0) throw commandValue.Error("is empty", "write the command to run by /bin/sh -c, e.g. command = \"python3 app.py\"");
        var defaults = new ProcessSpec(name, command, $"{value.File}: {value.Path}");
        return defaults with
        {
            WorkingDirectory = WorkingDirectory(block.Get("working-dir"), folder),
            Environment = Environment(block, folder, underEnvironment),
            Groups = block.Get("groups") is { } groups ? Groups(groups) : defaults.Groups,
            Labels = block.Get("labels") is { } labels ? Labels(labels) : defaults.Labels,
            Replicas = block.Get("replicas") is { } replicas ? Replicas(replicas) : defaults.Replicas,
            StopSignal = block.Get("stop-signal") is { } signal ? Signal(signal) : defaults.StopSignal,
            StopGrace = block.Get("stop-grace")?.Duration(zeroAllowed: true),
            Stdin = block.Get("stdin")?.Bool() ?? defaults.Stdin,
            Tty = block.Get("tty")?.Bool() ?? defaults.Tty,
            Restart = block.Get("restart") is { } restart ? Restart(restart) : defaults.Restart,
            Backoff = block.Get("restart-backoff") is { } backoff ? Backoff(backoff) : defaults.Backoff,
            MaxRestarts = block.Get("max-restarts") is { } max ? AtLeast(max, 0, "max-restarts = 5") : defaults.MaxRestarts,
            RestartWindow = block.Get("restart-window")?.Duration() ?? defaults.RestartWindow,
            Readiness = block.Get("readiness") is { } readiness ? ReadinessReader.Read(readiness) : null,
            DependsOn = block.Get("depends-on") is { } dependsOn ? DependencyReader.Read(dependsOn) : defaults.DependsOn,
        };
    }

    // Always absolute: the node may start from anywhere, the spec's folder is what the paths were written against.
    private static string WorkingDirectory(SpecValue? value, string folder)
    {
        var written = value?.Text("working-dir = \"services/api\"") ?? ".";
        var path = Path.GetFullPath(Path.Combine(folder, written));
        if (Directory.Exists(path)) return path;
        var what = File.Exists(path) ? "is a file, not a directory" : "does not exist";
        throw value!.Error($"\"{written}\" ({path}) {what}", "give a directory, relative to the spec file's folder, e.g. working-dir = \".\"");
    }

    // --env-file's variables, then each env-files entry in order, then environment: each over what came before.
    private static IReadOnlyDictionary<string, string> Environment(SpecObject block, string folder, IReadOnlyDictionary<string, string> under)
    {
        var environment = new Dictionary<string, string>(under, StringComparer.Ordinal);
        if (block.Get("env-files") is { } files)
        {
            var names = files.Strings("env-files = [\".env\", \"secrets.env\"]");
            for (var i = 0; i < names.Count; i++)
            {
                try
                {
                    foreach (var (key, text) in EnvFile.Load(Path.Combine(folder, names[i]))) environment[key] = text;
                }
                catch (UsageException e)
                {
                    // EnvFile's message says what is wrong in the file and how to fix it; the key path says which entry named it.
                    throw new SpecException($"{files.File}: {files.Path}[{i}]: {e.Message}");
                }
            }
        }
        if (block.Get("environment") is { } variables)
        {
            var map = variables.Object(null, "environment { PORT = \"8080\" }");
            foreach (var key in map.Keys) environment[key] = map.Get(key)!.Text($"{key} = \"value\"");
        }
        return environment.ToImmutableDictionary(StringComparer.Ordinal);
    }

    private static IReadOnlyList<string> Groups(SpecValue value)
    {
        var groups = value.Strings("groups = [workers]");
        foreach (var group in groups)
        {
            if (!SpecNames.IsWord(group))
                throw value.Error($"\"{group}\" is not a group name: 1 to 64 of A-Z a-z 0-9 _ -", "write e.g. groups = [workers, backend]");
        }
        return groups.Distinct(StringComparer.Ordinal).ToArray();
    }

    private static IReadOnlyDictionary<string, string> Labels(SpecValue value)
    {
        var map = value.Object(null, "labels { tier = backend }");
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in map.Keys)
        {
            var label = map.Get(key)!;
            if (!SpecNames.IsWord(key))
                throw label.Error($"\"{key}\" is not a label name: 1 to 64 of A-Z a-z 0-9 _ -", "write e.g. labels { tier = backend }");
            var text = label.Text("tier = backend");
            labels[key] = SpecNames.IsLabelValue(text)
                ? text
                : throw label.Error($"\"{text}\" is not a label value: 1 to 200 of A-Z a-z 0-9 . _ - (what a selector's label:KEY=VALUE can name)", "write e.g. tier = backend");
        }
        return labels.ToImmutableDictionary(StringComparer.Ordinal);
    }

    private static int Replicas(SpecValue value)
    {
        var number = AtLeast(value, 1, "replicas = 2");
        return number <= ProcessSpec.MaxReplicas ? number
            : throw value.Error($"{number} is more than {ProcessSpec.MaxReplicas}, the most instances of one process", $"give 1 to {ProcessSpec.MaxReplicas}, e.g. replicas = 2");
    }

    private static int AtLeast(SpecValue value, int smallest, string example)
    {
        var number = value.Int(example);
        return number >= smallest ? number : throw value.Error($"{number} is less than {smallest}", $"give {smallest} or more, e.g. {example}");
    }

    private static int Signal(SpecValue value)
    {
        var name = value.Text("stop-signal = TERM");
        return Signals.Parse(name) ?? throw value.Error($"\"{name}\" is not a signal Chorus knows", $"write one of {Signals.Known} (SIG in front is allowed)");
    }

    private static RestartPolicy Restart(SpecValue value) => value.Text("restart = on-failure") switch
    {
        "no" => RestartPolicy.No,
        "on-failure" => RestartPolicy.OnFailure,
        "always" => RestartPolicy.Always,
        var other => throw value.Error($"\"{other}\" is not a restart policy", "write no, on-failure or always"),
    };

    private static RestartBackoff Backoff(SpecValue value)
    {
        var block = value.Object(BackoffKeys, "restart-backoff { initial = 1s, max = 30s, factor = 2.0, jitter = 0.1 }");
        var defaults = RestartBackoff.Default;
        var backoff = new RestartBackoff(
            block.Get("initial")?.Duration() ?? defaults.Initial,
            block.Get("max")?.Duration() ?? defaults.Max,
            block.Get("factor") is { } f ? Factor(f) : defaults.Factor,
            block.Get("jitter") is { } j ? Jitter(j) : defaults.Jitter);
        return backoff.Max >= backoff.Initial
            ? backoff
            : throw block.Error($"max ({backoff.Max.TotalSeconds:0.###} s) is shorter than initial ({backoff.Initial.TotalSeconds:0.###} s)", "make max at least initial, e.g. { initial = 1s, max = 30s }");
    }

    private static double Factor(SpecValue value)
    {
        var factor = value.Number("factor = 2.0");
        return factor >= 1 && double.IsFinite(factor) ? factor : throw value.Error($"{factor} is less than 1 (the waits would shrink)", "give 1 (always the same wait) or more, e.g. factor = 2.0");
    }

    private static double Jitter(SpecValue value)
    {
        var jitter = value.Number("jitter = 0.1");
        return jitter is >= 0 and <= 1 ? jitter : throw value.Error($"{jitter} is outside 0 to 1", "give a fraction of the wait, e.g. jitter = 0.1 (0: none)");
    }
}
