using Akka;
using Akka.Actor;
using Akka.Configuration;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace Chorus.Node.Processes;

/// <summary>
/// Runs the stream that reads a process's pipes (<see cref="PipeSource"/> twice, merged) once, over two empty
/// streams, before the node starts anything. Akka.Streams loads its settings and graph machinery, and the runtime
/// compiles what ReadyToRun could not, on first use: the first processes paid that after they had started, so
/// the lines they wrote meanwhile waited in their pipes (README, Benchmark: about 120 ms on a quiet machine, and
/// their timestamps, taken as they are read, that much late).
/// </summary>
public static class PipeReadingWarmUp
{
    /// <returns>Whether the stream ran to its end within <paramref name="within"/>. Never throws: a warm-up that fails
    /// (a pipe-reader dispatcher missing from the config) leaves the real stream to report it, where it is used.</returns>
    public static bool Run(ActorSystem system, NodeSettings settings, TimeSpan within)
    {
        var materializer = ActorMaterializer.Create(system, ActorMaterializerSettings.Create(system).WithInputBuffer(1, 1), "pipe-reading-warm-up");
        Source<PipeRead, NotUsed> Empty() =>
            PipeSource.Create(new ChildPipe(new MemoryStream(), settings.PipePollInterval), settings.ReadChunkBytes, settings.MaxLineBytes);
        try
        {
            return Empty().Merge(Empty()).Select(read => read).RunWith(Sink.Ignore<PipeRead>(), materializer).Wait(within);
        }
        catch (Exception e) when (e is AggregateException or ConfigurationException)
        {
            return false;
        }
        finally
        {
            materializer.Shutdown();
        }
    }
}
