using System.Buffers;
using Chorus.Aggregator.Ordering;

namespace Chorus.Aggregator.Formatting;

/// <summary>Writes one item of the merged stream as UTF-8, including its line ending if the format has one.</summary>
public interface IRecordFormatter
{
    void Write(in OutputItem item, IBufferWriter<byte> output);
}
