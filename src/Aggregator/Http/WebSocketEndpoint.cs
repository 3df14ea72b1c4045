using System.Buffers;
using System.Net.WebSockets;
using Chorus.Aggregator.Control;
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
/// send closes the connection with a reason. /attach (<see cref="AttachEndpoint"/>) sends the same way
/// through <see cref="Serve"/> and listens differently.
/// </summary>
public static class WebSocketEndpoint
{
    /// <summary>What a WebSocket endpoint does with what its client sends, while the stream goes out; it cancels <paramref name="done"/> when the client is gone.</summary>
    internal delegate Task Listener(WebSocket socket, StreamQuery query, FrameSender sender, CancellationTokenSource done);

    public static Task Handle(HttpContext context) =>
        Serve(context, check: null,
            "This is the WebSocket endpoint: connect with a WebSocket client, e.g. websocat ws://HOST:PORT/ws. For a plain HTTP stream use /events.",
            (socket, _, sender, done) => CloseOnAnyInput(socket, sender, done));

    /// <summary>
    /// Checks the query (and <paramref name="check"/>, which throws <see cref="BadHttpRequestException"/> for
    /// what only this endpoint refuses), upgrades, and sends the filtered stream until the client or the feed
    /// ends, while <paramref name="listen"/> handles what the client sends.
    /// </summary>
    internal static async Task Serve(HttpContext context, Action<StreamQuery>? check, string howToConnect, Listener listen)
    {
        var settings = context.RequestServices.GetRequiredService<AggregatorSettings>();
        StreamQuery query;
        try
        {
            query = StreamQuery.Parse(context.Request.Query, settings, context.RequestServices.GetRequiredService<FleetDirectory>());
            if (context.Request.Query.ContainsKey("last-event-id"))
                throw new BadHttpRequestException($"last-event-id is for /events, whose events carry ids; {context.Request.Path} frames do not. Use backlog=N here.");
            check?.Invoke(query);
        }
        catch (BadHttpRequestException e)
        {
            await PlainTextAnswer.Write(context, StatusCodes.Status400BadRequest, e.Message);
            return;
        }
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await PlainTextAnswer.Write(context, StatusCodes.Status400BadRequest, howToConnect);
            return;
        }
        if (!IsSameOrigin(context))
        {
            await PlainTextAnswer.Write(context, StatusCodes.Status403Forbidden, "A page from another origin may not read this stream.");
            return;
        }

        var feed = context.RequestServices.GetRequiredService<LiveFeed>();
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var sender = new FrameSender(socket);
        var subscription = feed.Subscribe(query.Filter.Matches, query.Backlog, afterId: null, settings.ClientBuffer, settings.ClientBufferBytes);
        using var done = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        try
        {
            var listening = listen(socket, query, sender, done);
            await Send(sender, subscription, query.Text ? new TextFormatter(color: false) : new JsonFormatter(newline: false), done.Token);
            // The feed ended: the aggregator is shutting down.
            await sender.Close(WebSocketCloseStatus.EndpointUnavailable, "the aggregator is shutting down", done.Token);
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

    private static async Task Send(FrameSender sender, FeedSubscription subscription, IRecordFormatter formatter, CancellationToken cancel)
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
                await sender.Send(frame, cancel);
            }
        }
    }

    /// <summary>Reads what the client sends: a close ends the stream; anything else is answered with a close and its reason.</summary>
    private static async Task CloseOnAnyInput(WebSocket socket, FrameSender sender, CancellationTokenSource done)
    {
        var buffer = new byte[1024];
        try
        {
            var received = await socket.ReceiveAsync(buffer, done.Token);
            if (received.MessageType == WebSocketMessageType.Close)
                await sender.Close(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
            else
                await sender.Close(WebSocketCloseStatus.PolicyViolation,
                    "this endpoint only sends; filters go in the URL query (to type into a process, use /attach)", CancellationToken.None);
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
