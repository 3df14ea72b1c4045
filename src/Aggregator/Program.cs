using System.CommandLine;
using Akka.Actor;
using Chorus.Aggregator;
using Chorus.Aggregator.Archive;
using Chorus.Aggregator.Control;
using Chorus.Aggregator.Formatting;
using Chorus.Aggregator.Http;
using Chorus.Aggregator.Ingest;
using Chorus.Aggregator.Metrics;
using Chorus.Aggregator.Ordering;
using Chorus.Aggregator.Sinks;
using Chorus.Aggregator.Tasks;
using Chorus.Hosting;
using Chorus.Hosting.Security;
using Chorus.Messages;
using Chorus.Node;

// chorus-aggregator: flags -> config -> actor system -> sinks, merge, archive, ingest (the flow, backwards) ->
// HTTP -> the embedded node, if any -> wait for a stop (a signal, the embedded node's end, the archive failing) -> flush.
return await CommandLine.InvokeAsync(AggregatorOptions.CreateCommand(), args, Run);

static async Task<int> Run(ParseResult parsed)
{
    var options = AggregatorOptions.From(parsed);
    var config = ConfigFile.Compose(options.HoconOverrides, parsed, "aggregator.conf", "node.conf", "wire.conf");
    var settings = AggregatorSettings.From(config);
    // The embedded node's settings are checked with ours, before anything starts listening.
    var nodeSettings = options.Processes is null ? null : NodeSettings.From(config);
    ListenPolicy.Check(settings.Listen, "--listen", options.Security);
    ListenPolicy.Check(settings.Http, "--http", options.Security);
    var token = options.Security.Token;
    // Repaired before the writer opens it for appending; what it holds tells ingest which batches are repeats.
    // A path that cannot be used stops the aggregator now: it must not accept lines it cannot keep.
    IReadOnlyDictionary<string, ArchivedNode>? archived;
    try
    {
        archived = settings.ArchivePath is { } path ? ArchiveFile.Repair(path) : null;
    }
    catch (CannotArchiveException e)
    {
        Notice.Error(e.Message);
        return ExitCodes.CannotArchive;
    }
    // The task queue's store: one that cannot be used stops the aggregator too, before tasks could be asked of it.
    TaskStore taskStore;
    try
    {
        var taskSettings = TaskSettings.From(config);
        taskStore = TaskStore.Open(taskSettings.StateDirectory, taskSettings.MaxLogBytes);
    }
    catch (CannotKeepTasksException e)
    {
        Notice.Error(e.Message);
        return ExitCodes.CannotKeepTasks;
    }

    var tls = options.Security.Tls;
    // Not disposed: disposing waits for every actor to stop, and a sink stuck in a write never does (see the end).
    var system = RemoteSystem.Start(config, "--listen", settings.Listen, tls);
    var stop = new StopRequest();
    IRecordFormatter formatter = settings.Format == OutputFormat.Json ? new JsonFormatter() : new TextFormatter(options.Color);
    // What ingest accepted and a sink has not finished with: its bound is where backpressure starts.
    var pending = new PendingOutput(settings.MaxPendingRecords, settings.MaxPendingBytes);
    var feed = new LiveFeed(settings.BacklogCapacity, DateTime.UtcNow);
    var board = new StatusBoard();
    var metrics = new ChorusMetrics(pending, feed, board, system, settings.ShutdownHttpTimeout);
    // One line a sink: its name (in logs, and its path with dashes), its writer, a thread of its own if it may block.
    IActorRef Sink(string name, IOutputWriter writer, string? dispatcher = null) =>
        system.ActorOf(SinkActor.Props(writer, pending.AddSink(name), dispatcher), name.Replace(' ', '-'));
    IActorRef[] sinks =
    [
        Sink("stdout", StdoutWriter.ForThisProcess(formatter), "chorus.stdout-dispatcher"),
        Sink("live feed", feed),
        Sink("status board", board),
        // The task queue is made after the merge it tells of tasks: this sink finds it by its path.
        Sink("task log", new TaskOutputWriter(taskStore, system.ActorSelection(TaskQueueActor.Path))),
    ];
    var merge = system.ActorOf(MergeActor.Props(sinks, settings), "merge");
    var output = archived is null
        ? IngestOutput.Direct(merge)
        : IngestOutput.Archived(system.ActorOf(ArchiveActor.Props(settings.ArchivePath!, merge, stop), "archive"), archived);
    var directory = new FleetDirectory();
    var controlActor = system.ActorOf(ControlActor.Props(directory, settings.ControlTimeout), "control");
    system.ActorOf(IngestActor.Props(output, pending, settings, token, controlActor), IngestEndpoint.ActorName);
    // The actor answers every action by control-timeout; the margin covers a busy moment, not a node.
    var control = new FleetControl(controlActor, settings.ControlTimeout + TimeSpan.FromSeconds(5));
    var taskQueue = system.ActorOf(TaskQueueActor.Props(taskStore, control, merge), TaskQueueActor.Path["/user/".Length..]);
    var tasks = new TaskQueue(taskQueue, taskStore, settings.ControlTimeout + TimeSpan.FromSeconds(5));
    var (web, http) = await HttpServer.StartAsync(new HttpServices(feed, board, directory, control, metrics, tasks), settings, token, options.WatchToken, tls?.Certificate);
    Notice.Write($"nodes join at {RemoteSystem.BoundAddress(system)}");
    Notice.Write($"watch at {(tls is null ? "http" : "https")}://{http}/");

    var embedded = options.Processes is { } processes
        ? NodeHost.Start(system, options.NodeName, processes, IngestEndpoint.Path, nodeSettings!, new MonotonicClock(), token?.Value ?? "", WireVersion.Current, options.Tasks)
        : null;
    using var signals = embedded is null
        ? new ShutdownSignals(() => stop.Request(ExitCodes.Success), () => stop.Request(ExitCodes.Success))
        : new ShutdownSignals(embedded.Stop, embedded.Kill);
    embedded?.ExitCode.ContinueWith(code => stop.Request(code.Result), TaskContinuationOptions.OnlyOnRanToCompletion);

    // A signal, the embedded node's end, or an actor that cannot go on (the archive): whichever comes first.
    var exitCode = await stop.ExitCode;

    // Whatever the reorder window still holds goes out before the process ends.
    // With an archive, through it: batches it is still writing go out first.
    try
    {
        await output.Flush(settings.ShutdownFlushTimeout);
    }
    catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
    {
        Notice.Warning($"the sinks did not finish writing within {settings.ShutdownFlushTimeout.TotalSeconds:0.#} s of the stop, so the last lines " +
                       "may be missing from stdout and the page. Raise chorus.aggregator.shutdown.flush-timeout in a --config FILE.");
    }
    feed.CompleteAll();
    using var stopping = new CancellationTokenSource(settings.ShutdownHttpTimeout);
    await web.StopAsync(stopping.Token);
    // A sink stuck in a write (a stdout nobody reads) never stops, and the actor system waits for it: the
    // process ends all the same once the flush's time is up again.
    await system.Terminate().WaitAsync(settings.ShutdownFlushTimeout).ContinueWith(_ => { });
    taskStore.Dispose();
    return exitCode;
}
