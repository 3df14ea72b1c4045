using Chorus.Aggregator.Control;
using Chorus.Aggregator.Metrics;
using Chorus.Aggregator.Sinks;
using Chorus.Aggregator.Tasks;

namespace Chorus.Aggregator.Http;

/// <summary>What the endpoints read and ask, built once by Program.cs and handed to every request: the stream for
/// watchers, the status board and the fleet's tables for /api/nodes, the fleet for actions and attach, the metrics, the task queue.</summary>
public sealed record HttpServices(LiveFeed Feed, StatusBoard Board, FleetDirectory Directory, FleetControl Control, ChorusMetrics Metrics, TaskQueue Tasks);
