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
}
