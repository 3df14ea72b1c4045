namespace Chorus.Node.Uplink;

/// <summary>
/// One of the <see cref="Spool"/>'s files and how far it is read and acknowledged; or a hole: batches dropped from
/// that place, read back as their gap records.
/// </summary>
internal sealed class SpoolSegment(string name, string? path)
{
    public string Name { get; } = name;
    public string? Path { get; set; } = path;
    public long Length { get; set; }
    public long ReadOffset { get; set; }
    public long AckedOffset { get; set; }
    /// <summary>Batches taken from it and not yet acknowledged.</summary>
    public int Taken { get; set; }
    public bool Leftover { get; init; }
    public DroppedRecords? Dropped { get; private init; }
    public bool HoleTaken { get; set; }
    public bool HoleAcknowledged { get; set; }

    /// <summary>A hole until written out (at a drain timeout or at the end), then a segment like any other.</summary>
    public bool IsHole => Dropped is not null && Path is null;
    public bool Unread => IsHole ? !HoleTaken : ReadOffset < Length;
    public bool Finished => IsHole ? HoleAcknowledged : ReadOffset >= Length && Taken == 0;

    public static SpoolSegment Hole(string name, DroppedRecords dropped) => new(name, null) { Dropped = dropped };
}
