using Chorus.Hosting;
using Chorus.Node.Spec;

namespace Chorus.Node.Tests.Spec;

/// <summary>chorus-node's --spec: exactly one of --procfile, --spec or a command after --; --env-file under every process.</summary>
public sealed class SpecFlagTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("chorus-spec-flag-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private NodeOptions From(params string[] flags)
    {
        var parsed = NodeOptions.CreateCommand().Parse(["--aggregator", "127.0.0.1:4053", "--listen", "127.0.0.1:0", .. flags]);
        Assert.Empty(parsed.Errors);
        return NodeOptions.From(parsed);
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void The_spec_given_with_its_flag_is_what_the_node_runs_with_env_file_under_the_process_environment()
    {
        var spec = Write("stack.conf", "processes { web { command = \"echo hi\", environment { B = spec } } }");
        var env = Write("flag.env", "A=flag\nB=flag\n");

        var options = From("--spec", spec, "--env-file", env);

        var web = Assert.Single(options.Processes);
        Assert.Equal(("web", "echo hi"), (web.Name, web.Command));
        Assert.Equal(new Dictionary<string, string> { ["A"] = "flag", ["B"] = "spec" }, web.Environment.ToDictionary());
    }

    [Theory]
    [InlineData("--procfile", "--spec")]
    [InlineData("--spec", "--")]
    public void Two_sources_of_processes_are_refused(string first, string second)
    {
        var spec = Write("stack.conf", "processes { web { command = x } }");
        var procfile = Write("Procfile", "web: x\n");
        string[] flags = first == "--procfile" ? ["--procfile", procfile, "--spec", spec] : ["--spec", spec, "--", "echo", "hi"];

        var error = Assert.Throws<UsageException>(() => From(flags));

        Assert.Equal("Give exactly one of --procfile FILE, --spec FILE or a command after --; this command line has more than one.", error.Message);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Nothing_to_run_names_all_three_ways()
    {
        var error = Assert.Throws<UsageException>(() => From());

        Assert.StartsWith("Nothing to run. Give --procfile FILE, --spec FILE, or a command after --", error.Message);
    }

    [Fact]
    public void A_bad_spec_is_a_usage_error()
    {
        var spec = Write("stack.conf", "processes { web { command = x, replicas = 0 } }");

        var error = Assert.Throws<SpecException>(() => From("--spec", spec));

        Assert.IsAssignableFrom<UsageException>(error);
        Assert.StartsWith($"{spec}: processes.web.replicas: 0 is less than 1;", error.Message);
    }
}
