using Akka;
using Akka.IO;
using Akka.Streams.Dsl;

namespace Chorus.Node.Processes;

/// <summary>The blueprint a process's output goes through: pipe chunks in, lists of lines out.</summary>
public static class LineFraming
{
    public static Flow<ByteString, IReadOnlyList<FramedLine>, NotUsed> Create(int maxLineBytes) =>
        Flow.FromGraph(new LineFramingStage(maxLineBytes));
}
