using Chorus.Aggregator.Ordering;

namespace Chorus.Aggregator.Sinks;

/// <summary>
/// One item of the live feed with its position in it. Ids grow by one per item, so a client that
/// reconnects with the last id it saw resumes exactly after it.
/// </summary>
public readonly record struct FeedEntry(long Id, OutputItem Item)
{
    /// <summary>
    /// The id of a notice meant for one subscriber only (a gap it missed), which is not in the feed: a
    /// client must not resume from it.
    /// </summary>
    public const long NoticeId = 0;
}
