using Chorus.Tests.Support;

namespace Chorus.EndToEnd.Tests;

/// <summary>--spec on the real executables: a bad spec stops chorus-node at start with exit 2 and the fix; a good one runs in the aggregator's embedded node.</summary>
public sealed class SpecTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("chorus-spec-e2e-");
    private static readonly Dictionary<string, string?> NoChange = [];

    [Fact]
    public async Task A_node_given_a_spec_with_a_typo_exits_2_naming_the_file_the_key_and_the_fix()
    {
        Write("stack.conf", "processes {\n  web {\n    comand = \"echo hi\"\n  }\n}\n");

        using var node = ChorusProcess.StartFrom(_folder.FullName, NoChange, "chorus-node",
            "--aggregator", "127.0.0.1:4053", "--listen", "127.0.0.1:0", "--spec", "stack.conf");

        Assert.Equal(2, await node.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(["chorus: error: stack.conf: processes.web.comand: unknown key; did you mean command? the keys here are " +
                      "command, working-dir, environment, env-files, groups, labels, replicas, stop-signal, stop-grace, stdin, tty, restart, " +
                      "restart-backoff, max-restarts, restart-window, readiness, depends-on."], node.Stderr);
    }

    [Fact]
    public async Task The_aggregator_runs_the_processes_of_a_spec_with_their_environment()
    {
        Write("greet.env", "GREETING=hello\n");
        Write("stack.conf", "processes {\n  greet {\n    command = \"echo \\\"$GREETING $WHO\\\"\"\n    env-files = [greet.env]\n    environment { WHO = spec }\n  }\n}\n");

        using var aggregator = ChorusProcess.StartFrom(_folder.FullName, NoChange,
            "chorus-aggregator", "--listen", "127.0.0.1:0", "--http", "127.0.0.1:0", "--name", "n", "--spec", "stack.conf");

        Assert.Equal(0, await aggregator.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(aggregator.Stdout, l => l.Contains("greet") && l.EndsWith("hello spec"));
    }

    private void Write(string name, string text) => File.WriteAllText(Path.Combine(_folder.FullName, name), text);

    public void Dispose() => _folder.Delete(recursive: true);
}
