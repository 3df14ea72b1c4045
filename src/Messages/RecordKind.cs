namespace Chorus.Messages;

/// <summary>What a <see cref="NodeRecord"/> reports. The names match the JSON schema's "type"/"event" values.</summary>
public enum RecordKind : byte
{
    Line = 0,
    Started = 1,
    Exited = 2,
    Gap = 3,
    // The aggregator's own observations, built with NodeRecord.NodeUp/NodeDown: a batch holding one is refused.
    NodeUp = 4,
    NodeDown = 5,
    // A process's life beyond started and exited (README, "Process spec"): sent by nodes, in the process's sequence.
    Ready = 6,
    Restarting = 7,
    GivenUp = 8,
    Scaled = 9,
    Waiting = 10,
    // A task's change of state (queued, running, finished, ...): the aggregator's own observation, like NodeUp.
    Task = 11,
}
