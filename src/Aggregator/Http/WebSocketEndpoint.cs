using System.Buffers;
using System.Net.WebSockets;
using Chorus.Aggregator.Formatting;
using Chorus.Aggregator.Sinks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Chorus.Aggregator.Http;

/// <summary>
/// /ws: the merged stream, one JSON object (or with format=text, one text line) per text frame, filtered
/// and with a backlog as the query asks (<see cref="StreamQuery"/>). Each client has its own bounded
/// subscription and its own writer loop, so a slow client only ever slows itself; when it falls a whole
/// buffer behind it is sent a gap event with the count it missed. Clients only listen: anything they
/// send closes the connection with a reason.
/// </summary>
public static class WebSocketEndpoint
{
    public static async Task Handle(HttpContext context)
    {
        var settings = context.RequestServices.GetRequiredService<AggregatorSettings>();
        StreamQuery query;
        try
        {
            query = StreamQuery.Parse(context.Request.Query, settings);
            if (context.Request.Query.ContainsKey("last-event-id"))
                throw new BadHttpRequestException("last-event-id is for /events, whose events carry ids; /ws frames do not. Use backlog=N here.");
        }
        catch (BadHttpRequestException e)
        {
            await PlainTextAnswer.Write(context, StatusCodes.Status400BadRequest, e.Message);
            return;
        }
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await PlainTextAnswer.Write(context, StatusCodes.Status400BadRequest,
                "This is the WebSocket endpoint: connect with a WebSocket client, e.g. websocat ws://HOST:PORT/ws. For a plain HTTP stream use /events.");
            return;
        }
        if (!IsSameOrigin(context))
        {
            await PlainTextAnswer.Write(context, StatusCodes.Status403Forbidden, "A page from another origin may not read this stream.");
            return;
        }

        var feed = context.RequestServices.GetRequiredService<LiveFeed>();
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var subscription = feed.Subscribe(query.Filter.Matches, query.Backlog, afterId: null, settings.ClientBuffer, settings.ClientBufferBytes);
        using var done = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        try
        {
            var listening = CloseOnAnyInput(socket, done);
            await Send(socket, subscription, query.Text ? new TextFormatter(color: false) : new JsonFormatter(newline: false), done.Token);
            // The feed ended: the aggregator is shutting down.
            if (socket.State == WebSocketState.Open)
                await socket.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, "the aggregator is shutting down", done.Token);
            await listening;
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // The client went away; nothing to tell anyone.
        }
        finally
        {
            feed.Unsubscribe(subscription);
        }
    }

    private static async Task Send(WebSocket socket, FeedSubscription subscription, IRecordFormatter formatter, CancellationToken cancel)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        var reader = subscription.Reader;
        while (await reader.WaitToReadAsync(cancel))
        {
            while (reader.TryRead(out var entry))
            {
                buffer.ResetWrittenCount();
                formatter.Write(entry.Item, buffer);
                var frame = buffer.WrittenMemory;
                // Text frames carry no line ending; the text format's trailing newline is dropped.
                if (frame.Length > 0 && frame.Span[^1] == (byte)'\n') frame = frame[..^1];
                await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, cancel);
            }
        }
    }

    /// <summary>Reads what the client sends: a close ends the stream; anything else is answered with a close and its reason.</summary>
    private static async Task CloseOnAnyInput(WebSocket socket, CancellationTokenSource done)
    {
        var buffer = new byte[1024];
        try
        {
            var received = await socket.ReceiveAsync(buffer, done.Token);
            if (received.MessageType == WebSocketMessageType.Close)
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
            else
                await socket.CloseOutputAsync(WebSocketCloseStatus.PolicyViolation,
                    "this endpoint only sends; filters go in the URL query", CancellationToken.None);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
        }
        finally
        {
            await done.CancelAsync();
        }
    }

    // Browsers send Origin; scripts and tools like websocat do not. A page may only read its own server's stream.
    private static bool IsSameOrigin(HttpContext context) =>
        context.Request.Headers.Origin.ToString() is not { Length: > 0 } origin
        || (Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Authority.Equals(context.Request.Host.Value, StringComparison.OrdinalIgnoreCase));
}
