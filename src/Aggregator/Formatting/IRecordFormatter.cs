using System.Buffers;
using Chorus.Aggregator.Ordering;

namespace Chorus.Aggregator.Formatting;

/// <summary>Writes items of the merged stream as UTF-8, each with its line ending if the format has one.</summary>
public interface IRecordFormatter
{
    void Write(in OutputItem item, IBufferWriter<byte> output);

    /// <summary>Every entry of the run, as <see cref="Write(in OutputItem, IBufferWriter{byte})"/> writes each: the same bytes, read from the batch in place.</summary>
    void Write(in OutputRun run, IBufferWriter<byte> output);
}
