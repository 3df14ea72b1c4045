using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace Chorus.Node.Processes;

/// <summary>
/// Runs a stream of the shape that reads a process's pipes (two sources merged into one sink) once, on nothing.
/// Akka.Streams reads its settings and loads its graph machinery on first use: the node's first process paid that
/// between the join and its first line. Started while the node waits for its join, on the thread pool, so the wait
/// does the work instead.
/// </summary>
public static class OutputReadingWarmUp
{
    public static void Start(ActorSystem system) => Task.Run(async () =>
    {
        var materializer = ActorMaterializer.Create(system, ActorMaterializerSettings.Create(system).WithInputBuffer(1, 1));
        await Source.Single(0).Merge(Source.Empty<int>()).Select(x => x).RunWith(Sink.Ignore<int>(), materializer);
        materializer.Shutdown();
    });
}
