using Chorus.Node.Spec;

namespace Chorus.Node.Tests.Spec;

/// <summary>Every spec Chorus cannot run as written is refused at start, naming the file, the key path (or line), what is wrong and the fix.</summary>
public sealed class SpecRefusalTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("chorus-spec-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Refusal(string text) =>
        Assert.Throws<SpecException>(() => SpecFile.Parse(text, "stack.conf", _folder, new Dictionary<string, string>())).Message;

    // The process `web` with `keys` added to its command.
    private string RefusalOf(string keys) => Refusal($"processes {{\n  web {{\n    command = \"echo hi\"\n    {keys}\n  }}\n}}\n");

    [Theory]
    [InlineData("comand = \"x\"", "stack.conf: processes.web.comand: unknown key; did you mean command?")]
    [InlineData("restart-backof { initial = 1s }", "stack.conf: processes.web.restart-backof: unknown key; did you mean restart-backoff?")]
    [InlineData("restart-backoff { factr = 2 }", "stack.conf: processes.web.restart-backoff.factr: unknown key; did you mean factor?")]
    [InlineData("readiness { log = x, intervl = 1s }", "stack.conf: processes.web.readiness.intervl: unknown key; did you mean interval?")]
    [InlineData("depends-on = [ { proces = db } ]", "stack.conf: processes.web.depends-on[0].proces: unknown key; did you mean process?")]
    [InlineData("colour = red", "stack.conf: processes.web.colour: unknown key; the keys here are command, working-dir,")]
    public void Unknown_keys_are_refused_at_every_level_with_the_nearest_known_key(string keys, string expected)
    {
        Assert.StartsWith(expected, RefusalOf(keys));
    }

    [Fact]
    public void An_unknown_top_level_key_is_refused()
    {
        Assert.Equal("stack.conf: procesess: unknown key; did you mean processes? the keys here are processes.",
            Refusal("procesess { web { command = x } }"));
    }

    [Theory]
    [InlineData("replicas = 0", "processes.web.replicas: 0 is less than 1", "e.g. replicas = 2")]
    [InlineData("replicas = 101", "processes.web.replicas: 101 is more than 100, the most instances of one process", "give 1 to 100")]
    [InlineData("replicas = two", "processes.web.replicas: \"two\" is not a whole number", "e.g. replicas = 2")]
    [InlineData("replicas = [1]", "processes.web.replicas: is a list, not a single value", "replicas = 2")]
    [InlineData("stdin = yes", "processes.web.stdin: \"yes\" is not true or false", "write true or false")]
    [InlineData("groups = workers", "processes.web.groups: is \"workers\", not a list", "groups = [workers]")]
    [InlineData("groups = [\"a b\"]", "processes.web.groups: \"a b\" is not a group name", "groups = [workers, backend]")]
    [InlineData("labels { tier = \"a b\" }", "processes.web.labels.tier: \"a b\" is not a label value", "tier = backend")]
    [InlineData("environment { A { B = 1 } }", "processes.web.environment.A: is an object, not a single value", "A = \"value\"")]
    [InlineData("environment = [1]", "processes.web.environment: is a list, not an object", "environment { PORT = \"8080\" }")]
    [InlineData("stop-grace = 5", "processes.web.stop-grace: \"5\" is not a duration", "500ms, 5s, 1m or 2h")]
    [InlineData("stop-grace = 5 parsecs", "processes.web.stop-grace: \"5 parsecs\" is not a duration", "500ms, 5s, 1m or 2h")]
    [InlineData("restart-window = 0s", "processes.web.restart-window: 0s is not longer than 0", "e.g. 500ms")]
    [InlineData("stop-signal = SIGFOO", "processes.web.stop-signal: \"SIGFOO\" is not a signal Chorus knows", "TERM")]
    [InlineData("restart = sometimes", "processes.web.restart: \"sometimes\" is not a restart policy", "no, on-failure or always")]
    [InlineData("restart-backoff { factor = 0.5 }", "processes.web.restart-backoff.factor: 0.5 is less than 1", "factor = 2.0")]
    [InlineData("restart-backoff { jitter = 1.5 }", "processes.web.restart-backoff.jitter: 1.5 is outside 0 to 1", "jitter = 0.1")]
    [InlineData("restart-backoff { jitter = -0.1 }", "processes.web.restart-backoff.jitter: -0.1 is outside 0 to 1", "jitter = 0.1")]
    [InlineData("restart-backoff { initial = 10s, max = 1s }", "processes.web.restart-backoff: max (1 s) is shorter than initial (10 s)", "max = 30s")]
    [InlineData("max-restarts = -1", "processes.web.max-restarts: -1 is less than 0", "max-restarts = 5")]
    [InlineData("readiness { interval = 1s }", "processes.web.readiness: names no check", "log = \"REGEX\"")]
    [InlineData("readiness { log = x, tcp = \"h:1\" }", "processes.web.readiness: names 2 checks (log, tcp)", "exactly one of")]
    [InlineData("readiness { log = \"(a\" }", "processes.web.readiness.log: \"(a\" is not a usable regular expression", "log = \"ready to accept connections\"")]
    [InlineData("readiness { log = \"(?=a)b\" }", "processes.web.readiness.log: \"(?=a)b\" is not a usable regular expression", "without lookarounds")]
    [InlineData("readiness { tcp = \"localhost\" }", "processes.web.readiness.tcp: \"localhost\" is not HOST:PORT", "tcp = \"127.0.0.1:5432\"")]
    [InlineData("readiness { tcp = \"localhost:0\" }", "processes.web.readiness.tcp: \"localhost:0\" has port 0", "tcp = \"127.0.0.1:5432\"")]
    [InlineData("readiness { http = \"/health\" }", "processes.web.readiness.http: \"/health\" is not an absolute http or https URL", "http = \"http://127.0.0.1:8080/health\"")]
    [InlineData("readiness { http = \"ftp://h/x\" }", "processes.web.readiness.http: \"ftp://h/x\" is not an absolute http or https URL", "http://")]
    [InlineData("readiness { command = \"\" }", "processes.web.readiness.command: is empty", "command = \"pg_isready\"")]
    [InlineData("readiness { log = x, interval = 0s }", "processes.web.readiness.interval: 0s is not longer than 0", "500ms")]
    [InlineData("readiness { log = x, timeout = 0ms }", "processes.web.readiness.timeout: 0ms is not longer than 0", "500ms")]
    [InlineData("depends-on = [ db ]", "processes.web.depends-on[0]: is \"db\", not an object", "{ process = \"db\", condition = ready }")]
    [InlineData("depends-on = [ { condition = ready } ]", "processes.web.depends-on[0]: has no process", "{ process = \"db\", condition = ready }")]
    [InlineData("depends-on = [ { process = \"db@\" } ]", "processes.web.depends-on[0].process: \"\" after the @ is not a node name", "process = \"db@n1\"")]
    [InlineData("depends-on = [ { process = \"db@n 1\" } ]", "processes.web.depends-on[0].process: \"n 1\" after the @ is not a node name", "process = \"db@n1\"")]
    [InlineData("depends-on = [ { process = \"d b@n1\" } ]", "processes.web.depends-on[0].process: \"d b\" is not a valid process name", "process = \"db@n1\"")]
    [InlineData("depends-on = [ { process = db, condition = healthy } ]", "processes.web.depends-on[0].condition: \"healthy\" is not a condition", "started, ready, completed or completed-successfully")]
    [InlineData("depends-on = [ { process = nothere } ]", "processes.web.depends-on[0].process: \"nothere\" is not a process of this spec", "\"nothere@NODE\"")]
    [InlineData("working-dir = nowhere", "processes.web.working-dir: \"nowhere\"", "working-dir = \".\"")]
    [InlineData("env-files = [missing.env]", "processes.web.env-files[0]: Environment file", "missing.env\" was not found")]
    public void A_bad_value_is_refused_with_its_key_path_and_the_fix(string keys, string problem, string fix)
    {
        var message = RefusalOf(keys);

        Assert.StartsWith($"stack.conf: {problem}", message);
        Assert.Contains(fix, message);
    }

    [Fact]
    public void A_working_dir_that_is_a_file_is_refused()
    {
        File.WriteAllText(Path.Combine(_folder, "file"), "");

        Assert.Contains("processes.web.working-dir: \"file\" (" + Path.Combine(_folder, "file") + ") is a file, not a directory", RefusalOf("working-dir = file"));
    }

    [Fact]
    public void A_bad_line_in_an_env_file_names_that_file_and_line()
    {
        File.WriteAllText(Path.Combine(_folder, "bad.env"), "A=1\nnot a variable\n");

        Assert.StartsWith($"stack.conf: processes.web.env-files[0]: {Path.Combine(_folder, "bad.env")} line 2:", RefusalOf("env-files = [bad.env]"));
    }

    [Theory]
    [InlineData("processes { web { } }", "stack.conf: processes.web: has no command", "command = \"python3 app.py\"")]
    [InlineData("processes { web { command = \"  \" } }", "stack.conf: processes.web.command: is empty", "command = \"python3 app.py\"")]
    [InlineData("processes { web { command =\n } }", "stack.conf: processes.web.command: has no value", "command = \"python3 app.py\"")]
    [InlineData("processes { web = \"echo\" }", "stack.conf: processes.web: is \"echo\", not an object", "{ command = \"python3 app.py\" }")]
    [InlineData("processes { all { command = x } }", "stack.conf: processes.all: \"all\" is reserved", "rename it")]
    [InlineData("processes { task-1 { command = x } }", "stack.conf: processes.task-1: \"task-1\" starts with \"task-\", which is reserved", "rename it")]
    [InlineData("processes { \"web.1\" { command = x } }", "stack.conf: processes.web.1: \"web.1\" is not a valid process name", "A-Z a-z 0-9 _ -")]
    [InlineData("processes { }", "stack.conf: processes: defines no processes", "processes { web {")]
    [InlineData("", "stack.conf: defines no processes", "processes { web {")]
    [InlineData("# nothing but a comment\n", "stack.conf: defines no processes", "processes { web {")]
    public void A_process_block_without_a_usable_command_or_name_is_refused(string text, string expected, string fix)
    {
        var message = Refusal(text);

        Assert.StartsWith(expected, message);
        Assert.Contains(fix, message);
    }

    [Fact]
    public void A_cycle_of_local_dependencies_is_refused_naming_the_cycle()
    {
        var message = Refusal("""
            processes {
              web { command = x, depends-on = [ { process = api } ] }
              api { command = x, depends-on = [ { process = db, condition = ready } ] }
              db  { command = x, depends-on = [ { process = api } ] }
            }
            """);

        Assert.Equal("stack.conf: processes.api.depends-on: the local dependencies go round in a circle (api -> db -> api), " +
                     "so none of them would ever start; remove one of these dependencies.", message);
    }

    [Fact]
    public void A_process_depending_on_itself_is_a_cycle()
    {
        Assert.Contains("(web -> web)", RefusalOf("depends-on = [ { process = web } ]"));
    }

    [Fact]
    public void A_dependency_on_another_node_is_not_looked_for_locally()
    {
        var specs = SpecFile.Parse("processes { api { command = x, depends-on = [ { process = \"db@n1\", condition = ready } ] } }",
            "stack.conf", _folder, new Dictionary<string, string>());

        Assert.Equal(new Dependency("db", "n1", DependencyCondition.Ready), Assert.Single(Assert.Single(specs).DependsOn));
    }

    [Theory]
    [InlineData("processes {\n  web {\n    command = \"x\"\n    groups = [a, b\n  }\n}\n", "stack.conf line 5: '}' closes the '[' of line 4; close that '[' with ']' first.")]
    [InlineData("processes {\n  web {\n    command = \"x\n  }\n}\n", "stack.conf line 3: a \"...\" string is not closed on its line; close it with \" (write \\n for a line break).")]
    [InlineData("processes {\n  web {\n    command = \"x\"\n  }\n", "stack.conf line 1: this '{' is never closed; add the '}' that ends it.")]
    [InlineData("processes {\n  web { command = x }\n}\n}\n", "stack.conf line 4: '}' closes nothing; remove it, or add the '{' it should close.")]
    [InlineData("processes {\n  web { command = ${HOME} }\n}\n", "stack.conf line 2: substitutions (${...}) are not supported in a spec; write the value itself, or set it for every process with --env-file FILE.")]
    [InlineData("processes {\n  web { command = x, groups = [stor$ge] }\n}\n", "stack.conf line 2: '$' is outside quotes; put the value in double quotes, e.g. process = \"db@n1\".")]
    [InlineData("processes {\n  web { command = x\n depends-on = [ { process = db@n1 } ] }\n}\n", "stack.conf line 3: '@' is outside quotes; put the value in double quotes, e.g. process = \"db@n1\".")]
    [InlineData("processes {\n  web { command = x, groups = [a?] }\n}\n", "stack.conf line 2: '?' is outside quotes; put the value in double quotes, e.g. process = \"db@n1\".")]
    [InlineData("processes {\n  web { command = x\n groups = [:workers] }\n}\n", "stack.conf line 3: ':' is inside a list, which holds values, not keys; write values, e.g. groups = [workers], objects in braces, e.g. [ { process = \"db\" } ], or quote a value that has it.")]
    [InlineData("include \"other.conf\"\n", "stack.conf line 1: include is not supported in a spec; write the processes in this one file.")]
    [InlineData("processes { web { command = \"\"\"x }\n}\n", "stack.conf line 1: a \"\"\" string is never closed; close it with \"\"\".")]
    public void A_syntax_error_names_its_line(string text, string expected)
    {
        Assert.Equal(expected, Refusal(text));
    }

    [Fact]
    public void Brackets_and_comment_marks_inside_strings_and_comments_are_not_counted()
    {
        var specs = SpecFile.Parse(
            "# a comment with { and \"\n" +
            "processes {\n" +
            "  // another } comment\n" +
            "  web { command = \"echo '{[' # not a comment\", readiness { log = \"\\\\d+ ready}\" } }\n" +
            "  doc { command = \"\"\"echo \"}\" \"\"\" }\n" +
            "}\n", "stack.conf", _folder, new Dictionary<string, string>());

        Assert.Equal("echo '{[' # not a comment", specs[0].Command);
        Assert.Equal("\\d+ ready}", specs[0].Readiness!.Target);
        Assert.Equal("echo \"}\"", specs[1].Command);
    }

    [Fact]
    public void The_word_include_in_a_value_or_a_name_is_no_include()
    {
        var specs = SpecFile.Parse("processes {\n  include { command = echo include me }\n}\n", "stack.conf", _folder, new Dictionary<string, string>());

        Assert.Equal(("include", "echo include me"), (specs[0].Name, specs[0].Command));
    }

    [Fact]
    public void A_syntax_error_found_by_akkas_parser_names_its_line()
    {
        Assert.StartsWith("stack.conf line 2: is not valid HOCON (Unknown token at position", Refusal("processes {\n  a { command = x }, b { command = y }\n}\n"));
    }

    [Fact]
    public void A_missing_spec_file_says_how_to_pass_one()
    {
        var error = Assert.Throws<SpecException>(() => SpecFile.Load(Path.Combine(_folder, "none.conf"), new Dictionary<string, string>()));

        Assert.Equal($"Spec \"{Path.Combine(_folder, "none.conf")}\" was not found. Pass an existing file with --spec, e.g. --spec examples/n1.conf.", error.Message);
    }

    [Fact]
    public void A_directory_given_as_spec_is_refused()
    {
        var error = Assert.Throws<SpecException>(() => SpecFile.Load(_folder, new Dictionary<string, string>()));

        Assert.StartsWith($"Spec \"{_folder}\" is a directory. Pass the file itself with --spec", error.Message);
    }
}
