using System.CommandLine;
using System.Text.Json;
using Chorus.Aggregator.Ctl;
using Chorus.Aggregator.Tasks;
using Chorus.Hosting;

namespace Chorus.Aggregator.Tests.Ctl;

/// <summary>run's flags, read as the executable reads them: every mistake is a usage error before anything is sent.</summary>
public sealed class RunFlagsTests
{
    [Fact]
    public void The_command_after_double_dash_is_kept_word_for_word_flags_and_all()
    {
        var request = Read("--fold", "--", "sh", "-c", "echo a b", "--on", "x");

        Assert.Equal(["sh", "-c", "echo a b", "--on", "x"], request.Command);
        Assert.True(request.Fold);
        Assert.Equal(TaskRequest.DefaultGroup, request.Group);
        Assert.Equal(TaskRequest.DefaultFoldWindow, request.FoldWindow);
        Assert.Null(request.Timeout);
        Assert.Empty(request.After);
    }

    [Fact]
    public void Flags_become_the_request()
    {
        var request = Read("--on", "node:web*", "--group", "deploys", "--after", "t1, t12", "--timeout", "5m", "--fold", "--fold-window", "350", "--", "uptime");

        Assert.Equal("node:web*", request.On);
        Assert.Equal("deploys", request.Group);
        Assert.Equal(["t1", "t12"], request.After);
        Assert.Equal(TimeSpan.FromMinutes(5), request.Timeout);
        Assert.Equal(TimeSpan.FromMilliseconds(350), request.FoldWindow);
    }

    [Theory]
    [InlineData("run needs a COMMAND", "--fold")]
    [InlineData("run needs a COMMAND", "--fold", "--")]
    [InlineData("is not a duration", "--timeout", "5 parsecs", "--", "true")]
    [InlineData("more than zero", "--timeout", "0s", "--", "true")]
    [InlineData("has no unit", "--timeout", "30", "--", "true")]
    [InlineData("is not 1 to 60000", "--fold", "--fold-window", "0", "--", "true")]
    [InlineData("is not 1 to 60000", "--fold", "--fold-window", "60001", "--", "true")]
    [InlineData("--fold is not given", "--fold-window", "100", "--", "true")]
    [InlineData("\"x\" is not a task id", "--after", "t1,x", "--", "true")]
    [InlineData("\"t0\" is not a task id", "--after", "t0", "--", "true")]
    [InlineData("\"\" is not a task id", "--after", "t1,,t2", "--", "true")]
    [InlineData("--group is empty", "--group", "", "--", "true")]
    public void A_mistake_is_a_usage_error_that_says_how_to_fix_it(string expected, params string[] args)
    {
        var e = Assert.Throws<UsageException>(() => Read(args));

        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData("group:")]
    [InlineData("web")]
    [InlineData("node:a group:workers")]
    public void An_on_selector_that_does_not_parse_or_names_processes_is_a_usage_error(string on)
    {
        Assert.Throws<UsageException>(() => Read("--on", on, "--", "true"));
    }

    [Fact]
    public void An_on_selector_of_nodes_and_labels_is_taken() =>
        Assert.Equal("label:tier=web !node:n3", Read("--on", "label:tier=web !node:n3", "--", "true").On);

    [Theory]
    [InlineData("t1", true)]
    [InlineData("t907", true)]
    [InlineData("t01", false)]
    [InlineData("T1", false)]
    [InlineData("t", false)]
    [InlineData("t1x", false)]
    [InlineData("t99999999999999999999", false)]
    public void Task_ids_are_t_and_a_number(string text, bool valid) => Assert.Equal(valid, RunFlags.IsTaskId(text));

    [Fact]
    public void The_body_names_on_only_when_given_and_writes_the_timeout_hocon_style()
    {
        var request = Read("--timeout", "1.5s", "--after", "t3", "--", "uname", "-sr");

        using var body = JsonDocument.Parse(RunCommand.Body(request, onGiven: false));
        var root = body.RootElement;

        Assert.Equal(["uname", "-sr"], root.GetProperty("command").EnumerateArray().Select(w => w.GetString()));
        Assert.False(root.TryGetProperty("on", out _));
        Assert.Equal("1500ms", root.GetProperty("timeout").GetString());
        Assert.Equal("t3", root.GetProperty("after")[0].GetString());
        Assert.Equal("default", root.GetProperty("group").GetString());
        Assert.Equal(200, root.GetProperty("fold_window_ms").GetInt32());
        Assert.Equal("node:a", JsonDocument.Parse(RunCommand.Body(request with { On = "node:a" }, onGiven: true)).RootElement.GetProperty("on").GetString());
    }

    private static TaskRequest Read(params string[] args)
    {
        var parsed = new RootCommand { RunCommand.Create() }.Parse(["run", .. args]);
        Assert.Empty(parsed.Errors);
        return RunFlags.Read(parsed, out _);
    }
}
