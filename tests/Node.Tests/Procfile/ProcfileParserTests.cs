using Chorus.Node.Procfile;

namespace Chorus.Node.Tests.Procfile;

public class ProcfileParserTests
{
    [Fact]
    public void Each_line_names_a_process_and_its_command()
    {
        var entries = ProcfileParser.Parse("web: node server.js\nworker: python3 worker.py\n", "Procfile");

        Assert.Equal(
            [new ProcfileEntry("web", "node server.js", 1), new ProcfileEntry("worker", "python3 worker.py", 2)],
            entries);
    }

    [Fact]
    public void Blank_lines_and_comment_lines_are_ignored_but_counted()
    {
        var entries = ProcfileParser.Parse("# services\n\n   \n  # indented comment\nweb: ./web\n", "Procfile");

        Assert.Equal([new ProcfileEntry("web", "./web", 5)], entries);
    }

    [Fact]
    public void Whitespace_around_the_line_name_and_command_is_trimmed()
    {
        var entries = ProcfileParser.Parse("  web :   ./web --port 80  \t\n", "Procfile");

        Assert.Equal([new ProcfileEntry("web", "./web --port 80", 1)], entries);
    }

    [Fact]
    public void Command_is_everything_after_the_first_colon_including_colons_and_hashes()
    {
        var entries = ProcfileParser.Parse("clock: date +%H:%M:%S # every tick\n", "Procfile");

        Assert.Equal("date +%H:%M:%S # every tick", Assert.Single(entries).Command);
    }

    [Fact]
    public void Crlf_files_parse_like_lf_files()
    {
        var entries = ProcfileParser.Parse("web: ./web\r\n\r\nworker: ./worker\r\n", "Procfile");

        Assert.Equal(
            [new ProcfileEntry("web", "./web", 1), new ProcfileEntry("worker", "./worker", 3)],
            entries);
    }

    [Fact]
    public void Last_line_needs_no_line_ending()
    {
        var entries = ProcfileParser.Parse("web: ./web", "Procfile");

        Assert.Equal([new ProcfileEntry("web", "./web", 1)], entries);
    }

    [Fact]
    public void Names_may_use_letters_digits_underscores_and_dashes()
    {
        var entries = ProcfileParser.Parse("Web_2-a: ./web\n", "Procfile");

        Assert.Equal("Web_2-a", Assert.Single(entries).Name);
    }

    [Fact]
    public void Line_without_colon_is_an_error_showing_the_line_and_a_fix()
    {
        var error = Assert.Throws<ProcfileException>(() =>
            ProcfileParser.Parse("web: ./web\n\nnode server.js\n", "Procfile"));

        Assert.Equal(
            "Procfile line 3: \"node server.js\" has no colon. Write NAME: COMMAND, e.g. \"web: node server.js\".",
            error.Message);
    }

    [Fact]
    public void Line_without_name_is_an_error()
    {
        var error = Assert.Throws<ProcfileException>(() => ProcfileParser.Parse(": ./web\n", "Procfile"));

        Assert.Equal(
            "Procfile line 1: \": ./web\" has no process name before the colon. Write NAME: COMMAND, e.g. \"web: ./web\".",
            error.Message);
    }

    [Theory]
    [InlineData("my web: ./web", "my web")]
    [InlineData("web.1: ./web", "web.1")]
    [InlineData("wéb: ./web", "wéb")]
    public void Name_with_other_characters_is_an_error(string line, string name)
    {
        var error = Assert.Throws<ProcfileException>(() => ProcfileParser.Parse(line, "Procfile"));

        Assert.Equal(
            $"Procfile line 1: \"{name}\" in \"{line}\" is not a valid process name. Use only letters, digits, '_' and '-'.",
            error.Message);
    }

    // A task runs as task-ID, and its lines, its log (queue logs) and its end are found by that name: a Procfile
    // process so named, on any node, would write into a task's log and run's output (found by the tasks adversary).
    [Theory]
    [InlineData("task-t1")]
    [InlineData("Task-x")]
    public void A_name_starting_with_task_is_reserved_for_tasks(string name)
    {
        var error = Assert.Throws<ProcfileException>(() => ProcfileParser.Parse($"{name}: echo fake\n", "Procfile"));

        Assert.Equal(
            $"Procfile line 1: \"{name}\" starts with \"task-\", which is reserved for the tasks the aggregator runs (task-t1, ...). Rename the process.",
            error.Message);
    }

    [Fact]
    public void A_command_after_the_separator_whose_program_starts_with_task_is_not_named_as_a_task()
    {
        Assert.Equal("command", CommandEntry.From(["./task-t1", "--now"]).Name);
    }

    [Fact]
    public void Empty_command_is_an_error()
    {
        var error = Assert.Throws<ProcfileException>(() => ProcfileParser.Parse("web: ./web\nworker:  \n", "Procfile"));

        Assert.Equal(
            "Procfile line 2: \"worker\" has no command after the colon. Write the command to run, e.g. \"worker: ./start.sh\".",
            error.Message);
    }

    [Fact]
    public void Second_process_with_the_same_name_is_an_error_pointing_at_the_first()
    {
        var text = "web: ./a\nworker: ./w\n# comment\n\n\n\nweb: ./b\n";

        var error = Assert.Throws<ProcfileException>(() => ProcfileParser.Parse(text, "Procfile"));

        Assert.Equal("Procfile line 7: \"web\" is already defined on line 1. Give each process its own name.", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n")]
    [InlineData("# nothing yet\n")]
    public void Procfile_without_processes_is_an_error(string text)
    {
        var error = Assert.Throws<ProcfileException>(() => ProcfileParser.Parse(text, "conf/Procfile"));

        Assert.Equal(
            "Procfile \"conf/Procfile\" defines no processes. Add one line per process, e.g. \"web: python3 -m http.server 8000\".",
            error.Message);
    }

    [Fact]
    public void Errors_name_the_source_as_given()
    {
        var error = Assert.Throws<ProcfileException>(() => ProcfileParser.Parse("oops\n", "../deploy/Procfile.dev"));

        Assert.StartsWith("../deploy/Procfile.dev line 1: ", error.Message);
    }
}
