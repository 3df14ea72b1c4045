using Akka.Actor;
using Chorus.Aggregator.Ingest;
using Chorus.Aggregator.Sinks;
using Chorus.Messages;
using Prometheus;

namespace Chorus.Aggregator.Metrics;

/// <summary>
/// What GET /metrics shows, in Prometheus' text format (prometheus-net, on a registry of its own rather than
/// the library's global one, so nothing else in the process can add to it). Everything is read when scraped, from
/// whoever owns the figure: the status board's counts of the merged stream (lines, bytes, late records, missing
/// lines, nodes: it already sees every record, so counting costs no pass of its own), pending output and what
/// each sink finished, the live feed's watchers, and the ingest's links (asked, not shared: they are an actor's
/// state). Names and labels are a public contract (README, "Metrics").
/// </summary>
public sealed class ChorusMetrics
{
    private readonly Gauge _pending, _watchers, _nodes, _ackLag, _spool;
    private readonly Counter _written, _lines, _bytes, _missing, _late;
    private readonly PendingOutput _pendingOutput;
    private readonly LiveFeed _feed;
    private readonly StatusBoard _board;
    private readonly ActorSelection _ingest;
    private readonly TimeSpan _askTimeout;

    /// <param name="system">Where the ingest runs (at <see cref="IngestEndpoint.Path"/>); it may start after this.</param>
    public ChorusMetrics(PendingOutput pending, LiveFeed feed, StatusBoard board, ActorSystem system, TimeSpan askTimeout)
    {
        (_pendingOutput, _feed, _board, _askTimeout) = (pending, feed, board, askTimeout);
        _ingest = system.ActorSelection(IngestEndpoint.Path);
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        _lines = factory.CreateCounter("chorus_lines_received_total", "Lines received from nodes and merged, per node and process.", "node", "proc");
        _bytes = factory.CreateCounter("chorus_bytes_received_total", "Bytes of line text received from nodes and merged, per node and process.", "node", "proc");
        _missing = factory.CreateCounter("chorus_gaps_total", "Lines known to be missing (the gap events' counts), per reason.", "reason");
        _late = factory.CreateCounter("chorus_late_lines_total", "Records written after newer ones had been released (marked late), per node.", "node");
        _written = factory.CreateCounter("chorus_lines_written_total", "Records (lines and events) each sink has finished with.", "sink");
        _pending = factory.CreateGauge("chorus_pending_output_records", "Records accepted from nodes that the slowest sink has not finished with.");
        _ackLag = factory.CreateGauge("chorus_ack_lag_batches", "Batches taken from a node but not yet acknowledged to it (backpressure), per up node.", "node");
        _watchers = factory.CreateGauge("chorus_watchers", "Watchers subscribed to the live stream (WebSocket, Server-Sent Events, the page).");
        _spool = factory.CreateGauge("chorus_node_spool_bytes", "Bytes of lines waiting in a node's spool on disk, as the node last reported, per up node.", "node");
        _nodes = factory.CreateGauge("chorus_nodes", "Nodes the stream has told of, by state (up, down).", "state");
        Registry.AddBeforeCollectCallback(ReadGaugesAsync);
    }

    public CollectorRegistry Registry { get; } = Prometheus.Metrics.NewCustomRegistry();

    private async Task ReadGaugesAsync(CancellationToken cancellation)
    {
        foreach (var (sink, records) in _pendingOutput.Finished()) _written.WithLabels(sink).IncTo(records);
        _pending.Set(_pendingOutput.Held.Records);
        _watchers.Set(_feed.Watchers);
        var nodes = _board.Snapshot();
        foreach (var state in new[] { "up", "down" }) _nodes.WithLabels(state).Set(nodes.Count(n => n.State == state));
        foreach (var node in nodes)
        {
            _late.WithLabels(node.Node).IncTo(node.LateRecords);
            foreach (var process in node.Processes)
            {
                _lines.WithLabels(node.Node, process.Proc).IncTo(process.Lines);
                _bytes.WithLabels(node.Node, process.Proc).IncTo(process.Bytes);
            }
        }
        foreach (var (reason, lines) in _board.MissingLines()) _missing.WithLabels(reason).IncTo(lines);

        var report = await _ingest.Ask<IngestActor.LinksReport>(new IngestActor.ReportLinks(), _askTimeout, cancellation);
        // Nodes that went down are not shown at all rather than frozen at their last figure.
        foreach (var gone in _ackLag.GetAllLabelValues().Select(l => l[0]).Except(report.Links.Select(l => l.Node)).ToArray())
        {
            _ackLag.RemoveLabelled(gone);
            _spool.RemoveLabelled(gone);
        }
        foreach (var link in report.Links)
        {
            _ackLag.WithLabels(link.Node).Set(link.AckLagBatches);
            _spool.WithLabels(link.Node).Set(link.SpooledBytes);
        }
    }
}
