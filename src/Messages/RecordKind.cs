namespace Chorus.Messages;

/// <summary>What a <see cref="NodeRecord"/> reports. The names match the JSON schema's "type"/"event" values.</summary>
public enum RecordKind : byte
{
    Line = 0,
    Started = 1,
    Exited = 2,
    Gap = 3,
    NodeUp = 4,
    NodeDown = 5,
}
