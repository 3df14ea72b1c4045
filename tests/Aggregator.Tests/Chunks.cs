using Chorus.Aggregator.Ingest;
using Chorus.Aggregator.Ordering;
using Chorus.Aggregator.Sinks;

namespace Chorus.Aggregator.Tests;

/// <summary>
/// Items written out one by one in a test, handed over as the merge hands them: as runs (items next to each other that
/// can share one put together, see <see cref="OutputChunk.AddRuns"/>); and runs read back as items. In the tests'
/// root namespace, so every test finds these where a list of items meets a method that takes runs, or the reverse.
/// </summary>
public static class Chunks
{
    public static OutputChunk Chunk(IReadOnlyList<OutputItem> items)
    {
        var runs = new List<OutputRun>();
        OutputChunk.AddRuns(items, runs);
        return new OutputChunk(runs);
    }

    public static List<OutputItem> Items(IReadOnlyList<OutputRun> runs)
    {
        var items = new List<OutputItem>();
        foreach (var run in runs)
            for (var i = 0; i < run.Count; i++) items.Add(run.Item(i));
        return items;
    }

    extension(OutputChunk chunk)
    {
        /// <summary>Every entry of the chunk as an item, in order.</summary>
        public List<OutputItem> Items => Items(chunk.Runs);
    }

    public static void Write(this IOutputWriter writer, IReadOnlyList<OutputItem> items) => writer.Write(Chunk(items));

    public static void Finished(this PendingOutput.Sink sink, IReadOnlyList<OutputItem> items) => sink.Finished(Chunk(items));

    public static void Release(this ReorderBuffer buffer, DateTime now, List<OutputItem> output) =>
        Into(output, runs => buffer.Release(now, runs));

    public static void ReleaseAll(this ReorderBuffer buffer, List<OutputItem> output) => Into(output, buffer.ReleaseAll);

    public static void TakeAll(this ReorderBuffer buffer, List<OutputItem> output) => Into(output, buffer.TakeAll);

    private static void Into(List<OutputItem> output, Action<List<OutputRun>> release)
    {
        var runs = new List<OutputRun>();
        release(runs);
        output.AddRange(Items(runs));
    }
}
