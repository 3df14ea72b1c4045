using Chorus.Node.Spec;
using Chorus.Tests.Support;

namespace Chorus.Node.Tests.Spec;

/// <summary>A valid spec read back key by key, the defaults, and where env-files and working-dir are looked for.</summary>
public sealed class SpecFileTests : IDisposable
{
    private static readonly IReadOnlyDictionary<string, string> NoEnvironment = new Dictionary<string, string>();
    private readonly string _folder = Directory.CreateTempSubdirectory("chorus-spec-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Every_key_is_read_into_the_process_spec()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "services", "api"));
        Write("base.env", "FROM_FILE=base\nOVERRIDDEN=base\n");
        var path = Write("stack.conf", """
            processes {
              db { command = "echo db" }
              api {
                command = "python3 api.py --port 8080"
                working-dir = "services/api"
                environment { PORT = 8080, DEBUG = true, OVERRIDDEN = "environment" }
                env-files = ["base.env"]
                groups = [backend, web]
                labels { tier = backend }
                replicas = 3
                stop-signal = SIGINT
                stop-grace = 2s
                stdin = true
                tty = true
                restart = on-failure
                restart-backoff { initial = 500ms, max = 1m, factor = 1.5, jitter = 0.2 }
                max-restarts = 7
                restart-window = 2m
                readiness { http = "http://127.0.0.1:8080/health", interval = 250ms, timeout = 30s }
                depends-on = [ { process = "db", condition = ready }, { process = "cache@n2", condition = completed-successfully }, { process = "db" } ]
              }
            }
            """);

        var specs = SpecFile.Load(path, NoEnvironment);

        Assert.Equal(["db", "api"], specs.Select(s => s.Name));
        var api = specs[1];
        Assert.Equal("python3 api.py --port 8080", api.Command);
        Assert.Equal($"{path}: processes.api", api.Origin);
        Assert.Equal(Path.Combine(_folder, "services", "api"), api.WorkingDirectory);
        Assert.Equal(new Dictionary<string, string> { ["FROM_FILE"] = "base", ["OVERRIDDEN"] = "environment", ["PORT"] = "8080", ["DEBUG"] = "true" },
            api.Environment.ToDictionary());
        Assert.Equal(["backend", "web"], api.Groups);
        Assert.Equal(new Dictionary<string, string> { ["tier"] = "backend" }, api.Labels.ToDictionary());
        Assert.Equal(3, api.Replicas);
        Assert.Equal(Signals.Int, api.StopSignal);
        Assert.Equal(TimeSpan.FromSeconds(2), api.StopGrace);
        Assert.True(api.Stdin);
        Assert.True(api.Tty);
        Assert.Equal(RestartPolicy.OnFailure, api.Restart);
        Assert.Equal(new RestartBackoff(TimeSpan.FromMilliseconds(500), TimeSpan.FromMinutes(1), 1.5, 0.2), api.Backoff);
        Assert.Equal(7, api.MaxRestarts);
        Assert.Equal(TimeSpan.FromMinutes(2), api.RestartWindow);
        Assert.Equal(new ReadinessCheck(ReadinessKind.Http, "http://127.0.0.1:8080/health", TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(30)), api.Readiness);
        Assert.Equal(
            [new Dependency("db", null, DependencyCondition.Ready), new Dependency("cache", "n2", DependencyCondition.CompletedSuccessfully), new Dependency("db", null, DependencyCondition.Started)],
            api.DependsOn);
        Assert.Equal("cache@n2", api.DependsOn[1].ToString());
    }

    [Fact]
    public void A_process_with_only_a_command_gets_every_default_and_the_spec_folder_as_working_directory()
    {
        var path = Write("stack.conf", "processes { web { command = \"echo hi\" } }");

        var web = Assert.Single(SpecFile.Load(path, NoEnvironment));

        var expected = new ProcessSpec("web", "echo hi", $"{path}: processes.web") { WorkingDirectory = _folder };
        Assert.Equal(expected with { Environment = web.Environment, Groups = web.Groups, Labels = web.Labels, DependsOn = web.DependsOn }, web);
        Assert.Empty(web.Environment);
        Assert.Empty(web.Groups);
        Assert.Empty(web.Labels);
        Assert.Empty(web.DependsOn);
        Assert.Equal(1, web.Replicas);
        Assert.Equal(Signals.Term, web.StopSignal);
        Assert.Null(web.StopGrace);
        Assert.False(web.Stdin);
        Assert.False(web.Tty);
        Assert.Equal(RestartPolicy.No, web.Restart);
        Assert.Equal(RestartBackoff.Default, web.Backoff);
        Assert.Equal(5, web.MaxRestarts);
        Assert.Equal(TimeSpan.FromSeconds(60), web.RestartWindow);
        Assert.Null(web.Readiness);
    }

    [Fact]
    public void Readiness_defaults_to_looking_every_second_for_a_minute()
    {
        var path = Write("stack.conf", "processes { db { command = \"x\", readiness { log = \"ready to accept connections\" } } }");

        var db = Assert.Single(SpecFile.Load(path, NoEnvironment));

        Assert.Equal(new ReadinessCheck(ReadinessKind.Log, "ready to accept connections", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60)), db.Readiness);
    }

    [Theory]
    [InlineData("tcp = \"127.0.0.1:5432\"", ReadinessKind.Tcp, "127.0.0.1:5432")]
    [InlineData("command = \"pg_isready\"", ReadinessKind.Command, "pg_isready")]
    [InlineData("http = \"https://example.org/\"", ReadinessKind.Http, "https://example.org/")]
    public void Each_kind_of_readiness_is_read(string check, ReadinessKind kind, string target)
    {
        var path = Write("stack.conf", $"processes {{ db {{ command = \"x\", readiness {{ {check} }} }} }}");

        var db = Assert.Single(SpecFile.Load(path, NoEnvironment));

        Assert.Equal(kind, db.Readiness!.Kind);
        Assert.Equal(target, db.Readiness.Target);
    }

    [Fact]
    public void Env_files_are_relative_to_the_spec_read_in_order_over_the_env_file_flag_and_under_environment()
    {
        Write("conf/one.env", "A=one\nB=one\nC=one\n");
        Write("conf/two.env", "B=two\nC=two\n");
        var path = Write("conf/stack.conf", "processes { web { command = \"x\", env-files = [one.env, two.env], environment { C = three } } }");
        var flag = new Dictionary<string, string> { ["A"] = "flag", ["FLAG"] = "flag" };

        // Started from elsewhere: the paths are the spec's, not the current directory's.
        var web = Assert.Single(SpecFile.Load(path, flag));

        Assert.Equal(new Dictionary<string, string> { ["FLAG"] = "flag", ["A"] = "one", ["B"] = "two", ["C"] = "three" }, web.Environment.ToDictionary());
    }

    [Fact]
    public void A_relative_spec_path_keeps_its_folder_for_env_files_and_working_dir()
    {
        Write("conf/one.env", "A=one\n");
        Directory.CreateDirectory(Path.Combine(_folder, "conf", "work"));
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), Write("conf/stack.conf",
            "processes { web { command = \"x\", env-files = [one.env], working-dir = work } }"));

        var web = Assert.Single(SpecFile.Load(relative, NoEnvironment));

        Assert.Equal("one", web.Environment["A"]);
        Assert.Equal(Path.Combine(_folder, "conf", "work"), web.WorkingDirectory);
    }

    [Fact]
    public void Processes_keep_the_order_of_the_file()
    {
        var path = Write("stack.conf", "processes {\n zeta { command = z }\n alpha { command = a }\n mid { command = m }\n}");

        Assert.Equal(["zeta", "alpha", "mid"], SpecFile.Load(path, NoEnvironment).Select(s => s.Name));
    }

    [Fact]
    public void The_example_stack_of_the_readme_is_a_valid_spec()
    {
        var examples = Path.Combine(Executables.RepositoryRoot, "examples");

        var n1 = SpecFile.Load(Path.Combine(examples, "n1.conf"), NoEnvironment);
        var n2 = SpecFile.Load(Path.Combine(examples, "n2.conf"), NoEnvironment);

        Assert.Equal(["db", "repl"], n1.Select(s => s.Name));
        Assert.Equal(ReadinessKind.Log, n1[0].Readiness!.Kind);
        Assert.True(n1[1].Stdin);
        Assert.Equal(["api", "worker"], n2.Select(s => s.Name));
        Assert.Equal(new Dependency("db", "n1", DependencyCondition.Ready), Assert.Single(n2[0].DependsOn));
        Assert.Equal((2, RestartPolicy.OnFailure), (n2[1].Replicas, n2[1].Restart));
        Assert.Equal(["workers"], n2[1].Groups);
    }
}
