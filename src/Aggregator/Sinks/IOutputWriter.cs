using Chorus.Aggregator.Ordering;

namespace Chorus.Aggregator.Sinks;

/// <summary>
/// Where one sink puts the merged stream: stdout, the live feed, the status board. A plain class that a
/// <see cref="SinkActor"/> runs, one chunk at a time (runs of records, see <see cref="OutputRun"/>), on the actor's thread. It may block (stdout behind a
/// full pipe) but never for a watcher. Throwing loses only that chunk for this writer; throwing
/// <see cref="OutputClosedException"/> says its destination is gone for good (it then skips what follows).
/// </summary>
public interface IOutputWriter
{
    void Write(OutputChunk chunk);
}
