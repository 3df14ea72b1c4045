using Chorus.Aggregator.Ordering;

namespace Chorus.Aggregator.Sinks;

/// <summary>
/// One item of the live feed with its position in it. Ids grow by one per item, so a client that
/// reconnects with the last id it saw resumes exactly after it.
/// </summary>
public readonly record struct FeedEntry(long Id, OutputItem Item);
