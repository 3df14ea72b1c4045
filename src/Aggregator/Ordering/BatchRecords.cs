using System.Diagnostics.CodeAnalysis;
using Chorus.Messages;

namespace Chorus.Aggregator.Ordering;

/// <summary>
/// The one way the merge and the sinks read the records of a received batch (<see cref="LineBatch.Records"/>), which
/// they keep as it came and never copy: only as an <see cref="IReadOnlyList{T}"/>, whatever list the wire reader made.
/// An array is read in place, by reference, with no interface call and no copy of a record (a struct of about 100
/// bytes); a <see cref="RecordBlock"/> (what the wire reader and the node's batch builder make) through its own columns
/// and indexer, without an interface call; any other list through its indexer.
/// </summary>
public static class BatchRecords
{
    /// <summary>The time the node stamped on record <paramref name="index"/>.</summary>
    public static DateTime TimestampAt(IReadOnlyList<NodeRecord> records, int index) =>
        records switch
        {
            NodeRecord[] array => array[index].Timestamp,
            RecordBlock block => new DateTime(block.TimestampTicks[index], DateTimeKind.Utc),
            _ => records[index].Timestamp,
        };

    /// <summary>Whether record <paramref name="index"/> is node-up or node-down, which the merge never marks late.</summary>
    public static bool IsNodeEventAt(IReadOnlyList<NodeRecord> records, int index) =>
        records switch
        {
            NodeRecord[] array => array[index].Kind,
            RecordBlock block => block.KindAt(index),
            _ => records[index].Kind,
        } is RecordKind.NodeUp or RecordKind.NodeDown;

    /// <summary>Records <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/>, for a foreach by reference.</summary>
    public static Enumerator Range(IReadOnlyList<NodeRecord> records, int start, int count) => new(records, start, count);

    /// <summary>
    /// Walks a range of records by reference: into the array itself when the records are one, else into a copy of the
    /// current record that it holds (so a foreach's <c>ref readonly var</c> works on any list).
    /// </summary>
    public ref struct Enumerator
    {
        private readonly IReadOnlyList<NodeRecord>? _list;
        private readonly RecordBlock? _block;
        private readonly ReadOnlySpan<NodeRecord> _array;
        private readonly int _end;
        private int _index;
        private NodeRecord _current;

        internal Enumerator(IReadOnlyList<NodeRecord> records, int start, int count)
        {
            if (records is NodeRecord[] array)
            {
                _array = array.AsSpan(start, count);
                _index = -1;
                _end = count;
            }
            else
            {
                _list = records;
                _block = records as RecordBlock;
                _index = start - 1;
                _end = start + count;
            }
        }

        public readonly Enumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            if (++_index >= _end) return false;
            if (_block is not null) _current = _block[_index];
            else if (_list is not null) _current = _list[_index];
            return true;
        }

        [UnscopedRef]
        public readonly ref readonly NodeRecord Current => ref _list is null ? ref _array[_index] : ref _current;
    }
}
