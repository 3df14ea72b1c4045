using Akka.IO;
using Akka.Streams;
using Akka.Streams.Stage;

namespace Chorus.Node.Processes;

/// <summary>
/// Runs a <see cref="LineFramer"/> over a stream of chunks read from a child's pipe. It emits the lines each
/// chunk completes as one list (one element per chunk, not per line, keeps the stream cheap at millions of
/// lines a second) and, when the pipe closes, the last line if it had no line ending.
/// Unlike Akka's <c>Framing.Delimiter</c>, an over-long line is cut into pieces instead of failing the stream.
/// </summary>
public sealed class LineFramingStage : GraphStage<FlowShape<ByteString, IReadOnlyList<FramedLine>>>
{
    private readonly int _maxLineBytes;

    public LineFramingStage(int maxLineBytes)
    {
        // Fail where the blueprint is built, not later when it runs.
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineBytes, LineFramer.SmallestLimit);
        _maxLineBytes = maxLineBytes;
        Shape = new FlowShape<ByteString, IReadOnlyList<FramedLine>>(
            new Inlet<ByteString>("line-framing.in"), new Outlet<IReadOnlyList<FramedLine>>("line-framing.out"));
    }

    public override FlowShape<ByteString, IReadOnlyList<FramedLine>> Shape { get; }

    protected override Attributes InitialAttributes { get; } = Attributes.CreateName("line-framing");

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private sealed class Logic : InAndOutGraphStageLogic
    {
        private readonly Inlet<ByteString> _in;
        private readonly Outlet<IReadOnlyList<FramedLine>> _out;
        private readonly LineFramer _framer;

        public Logic(LineFramingStage stage) : base(stage.Shape)
        {
            _in = stage.Shape.Inlet;
            _out = stage.Shape.Outlet;
            _framer = new LineFramer(stage._maxLineBytes);
            SetHandlers(_in, _out, this);
        }

        public override void OnPush()
        {
            // Not copied when the chunk is one buffer, as chunks read from a pipe are.
            var lines = _framer.Feed(Grab(_in).ToReadOnlySpan());
            if (lines.Count > 0)
                Push(_out, lines);
            else
                Pull(_in);
        }

        public override void OnUpstreamFinish()
        {
            var last = _framer.Finish();
            if (last.Count > 0)
                Emit(_out, last, CompleteStage);
            else
                CompleteStage();
        }

        public override void OnPull() => Pull(_in);
    }
}
