namespace Chorus.Aggregator.Sinks;

/// <summary>
/// Write out everything sent before this, then answer <see cref="OutputFlushed"/>. A sink answers once its
/// writer has had every earlier chunk; the merge releases all it holds, flushes every sink and answers once
/// they all have; the archive passes it on to the merge behind the batches it is still writing. The
/// aggregator sends it once, at shutdown, through its <see cref="Ingest.IngestOutput"/>.
/// </summary>
public sealed record FlushOutput;

/// <summary>The answer to <see cref="FlushOutput"/>: everything sent before it is written.</summary>
public sealed record OutputFlushed;
