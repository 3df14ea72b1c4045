using Chorus.Aggregator.Ctl;

namespace Chorus.Aggregator.Tests.Ctl;

/// <summary>What run prints of a task's /ws frames, and when it knows the task is over.</summary>
public sealed class TaskFramesTests
{
    private readonly StringWriter _output = new(), _errors = new();
    private readonly TaskFrames _frames;

    // A stream from the task's start, as run's backlog gives it: its first item is its queued event.
    public TaskFramesTests()
    {
        _frames = new TaskFrames("t3", _output, _errors);
        _frames.Take("""{"type":"event","event":"task","task":"t3","proc":"task-t3","state":"queued","code":null,"message":""}""");
    }

    [Fact]
    public void A_stream_that_starts_past_the_tasks_queued_event_says_its_first_lines_are_not_shown_once()
    {
        var errors = new StringWriter();
        var frames = new TaskFrames("t3", _output, errors);
        frames.Take("""{"type":"event","event":"node-up","node":"n1"}""");
        frames.Take("""{"type":"line","node":"n1","proc":"task-t3","stream":"stdout","seq":4002,"text":"4002"}""");
        frames.Take("""{"type":"line","node":"n1","proc":"task-t3","stream":"stdout","seq":4003,"text":"4003"}""");

        Assert.Equal(["[n1] 4002", "[n1] 4003"], Lines(_output));
        var warning = Assert.Single(Lines(errors));
        Assert.Contains("t3 printed more than 1000 items before this stream opened: its first lines are not shown here", warning);
        Assert.Contains("chorus-aggregator queue logs t3", warning);
    }

    [Fact]
    public void A_line_shows_its_node_and_a_folded_one_all_its_nodes()
    {
        Assert.False(_frames.Take("""{"type":"line","node":"n1","proc":"task-t3","stream":"stdout","seq":1,"ts":"2026-01-01T00:00:00.000Z","text":"hello"}"""));
        Assert.False(_frames.Take("""{"type":"line","nodes":["n1","n2","n4"],"proc":"task-t3","stream":"stdout","seq":2,"ts":"2026-01-01T00:00:00.000Z","text":"Linux 6.1"}"""));

        Assert.Equal(["[n1] hello", "[n1,n2,n4] Linux 6.1"], Lines(_output));
        Assert.Empty(Lines(_errors));
    }

    [Fact]
    public void A_stderr_line_goes_to_stderr()
    {
        _frames.Take("""{"type":"line","node":"n2","proc":"task-t3","stream":"stderr","seq":1,"text":"oops"}""");

        Assert.Empty(Lines(_output));
        Assert.Equal(["[n2] oops"], Lines(_errors));
    }

    [Fact]
    public void Other_processes_and_tasks_and_unreadable_frames_are_passed_over()
    {
        _frames.Take("""{"type":"line","node":"n1","proc":"task-t30","stream":"stdout","text":"not mine"}""");
        _frames.Take("""{"type":"line","node":"n1","proc":"web","stream":"stdout","text":"not mine"}""");
        _frames.Take("""{"type":"event","event":"node-up","node":"n1"}""");
        Assert.False(_frames.Take("""{"type":"event","event":"task","task":"t30","state":"finished","code":0}"""));
        Assert.False(_frames.Take("not json"));

        Assert.Empty(Lines(_output));
        Assert.Empty(Lines(_errors));
    }

    [Fact]
    public void A_node_that_is_down_or_refuses_is_said_at_once_and_the_task_goes_on()
    {
        Assert.False(_frames.Take("""{"type":"event","event":"task","task":"t3","proc":"task-t3","node":"n3","state":"down","message":"n3 is down."}"""));
        Assert.False(_frames.Take("""{"type":"event","event":"task","task":"t3","proc":"task-t3","node":"n2","state":"lost","message":""}"""));
        Assert.False(_frames.Take("""{"type":"event","event":"task","task":"t3","proc":"task-t3","state":"running"}"""));

        Assert.Equal(["chorus: warning: n3: down: n3 is down.", "chorus: warning: n2: lost."], Lines(_errors));
    }

    [Theory]
    [InlineData("finished")]
    [InlineData("cancelled")]
    [InlineData("lost")]
    [InlineData("failed")]
    public void The_tasks_own_end_event_ends_it(string state) =>
        Assert.True(_frames.Take($$"""{"type":"event","event":"task","task":"t3","proc":"task-t3","state":"{{state}}","code":0,"message":""}"""));

    [Fact]
    public void A_gap_of_this_watcher_is_a_warning_that_names_queue_logs()
    {
        _frames.Take("""{"type":"event","event":"gap","node":"","count":12,"reason":"slow-client"}""");
        _frames.Take("""{"type":"event","event":"gap","node":"n9","proc":"web","count":3,"reason":"lost"}""");

        var warning = Assert.Single(Lines(_errors));
        Assert.Contains("12 items", warning);
        Assert.Contains("queue logs t3", warning);
    }

    private static string[] Lines(StringWriter writer) => writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
}
