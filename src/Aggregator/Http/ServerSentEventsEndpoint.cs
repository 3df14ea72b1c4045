using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Threading.Channels;
using Chorus.Aggregator.Control;
using Chorus.Aggregator.Sinks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Chorus.Aggregator.Http;

/// <summary>
/// /events: the merged stream as Server-Sent Events, for EventSource in a page and for <c>curl -N</c>. The
/// same JSON objects and filters as /ws, and the same bounded subscription per client, so a slow client
/// only slows itself and is told by a gap event what it missed. A client that reconnects with
/// Last-Event-ID (or ?last-event-id=, for EventSource) resumes right after that item; it wins over backlog.
/// Written out here rather than with TypedResults.ServerSentEvents, which writes and flushes once per
/// event and cannot send comments: here a burst goes out in a few writes, and an idle stream gets a
/// keep-alive comment. Each client is an async loop, never a thread.
/// </summary>
public static class ServerSentEventsEndpoint
{
    // Enough for a burst to go out in a few writes; little enough that no flush waits on much.
    private const int EventsPerFlush = 100;

    public static async Task Handle(HttpContext context)
    {
        var settings = context.RequestServices.GetRequiredService<AggregatorSettings>();
        StreamQuery query;
        long? lastEventId;
        try
        {
            query = StreamQuery.Parse(context.Request.Query, settings, context.RequestServices.GetRequiredService<FleetDirectory>());
            if (query.Text)
                throw new BadHttpRequestException("/events sends JSON only; format=text is for /ws. Leave format out here.");
            lastEventId = LastEventId(context.Request);
        }
        catch (BadHttpRequestException e)
        {
            await PlainTextAnswer.Write(context, StatusCodes.Status400BadRequest, e.Message);
            return;
        }

        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-store";
        response.Headers["X-Accel-Buffering"] = "no"; // nginx and the like: pass each event on at once
        var feed = context.RequestServices.GetRequiredService<LiveFeed>();
        var subscription = feed.Subscribe(query.Filter.Matches, query.Backlog, lastEventId, settings.ClientBuffer, settings.ClientBufferBytes);
        try
        {
            // Headers now (starting a response does not flush it): the client learns it is connected even
            // when no event is due for a while.
            await response.StartAsync(context.RequestAborted);
            await response.BodyWriter.FlushAsync(context.RequestAborted);
            await Send(subscription.Reader, response.BodyWriter, settings.EventsKeepAlive, context.RequestAborted);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The client went away; nothing to tell anyone.
        }
        finally
        {
            feed.Unsubscribe(subscription);
        }
    }

    /// <summary>
    /// The header, else ?last-event-id=. The header wins: a browser retrying by itself sends the id it saw
    /// last, while the URL still holds the one the page reconnected with.
    /// </summary>
    private static long? LastEventId(HttpRequest request)
    {
        var (text, name) = request.Headers["Last-Event-ID"].ToString() is { Length: > 0 } header
            ? (header, "Last-Event-ID")
            : (request.Query["last-event-id"].ToString(), "last-event-id");
        if (text.Length == 0) return null;
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id)) return id;
        throw new BadHttpRequestException($"{name} \"{text}\" is not an id of this stream. Send the number from the last \"id:\" line you received, or none for a fresh start.");
    }

    private static async Task Send(ChannelReader<FeedEntry> reader, PipeWriter output, TimeSpan keepAlive, CancellationToken cancel)
    {
        var formatter = new ServerSentEventFormatter();
        while (await WaitForEntries(reader, output, keepAlive, cancel))
        {
            for (var n = 0; n < EventsPerFlush && reader.TryRead(out var entry); n++)
                formatter.Write(entry, output);
            if ((await output.FlushAsync(cancel)).IsCompleted) return;
        }
    }

    /// <summary>
    /// True once entries are ready, false when the subscription has ended. Each time the stream has been
    /// idle for <paramref name="keepAlive"/>, a keep-alive comment goes out meanwhile.
    /// </summary>
    private static async ValueTask<bool> WaitForEntries(ChannelReader<FeedEntry> reader, PipeWriter output, TimeSpan keepAlive, CancellationToken cancel)
    {
        var ready = reader.WaitToReadAsync(cancel);
        if (ready.IsCompleted) return await ready; // busy: no timer, no allocation
        var waiting = ready.AsTask();
        while (true)
        {
            try
            {
                return await waiting.WaitAsync(keepAlive, cancel);
            }
            catch (TimeoutException)
            {
                output.Write(ServerSentEventFormatter.KeepAlive);
                if ((await output.FlushAsync(cancel)).IsCompleted) return false;
            }
        }
    }
}
