using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using Akka.Actor;
using Chorus.Aggregator.Control;
using Chorus.Messages.Control;
using Chorus.Messages.Selection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Chorus.Aggregator.Http;

/// <summary>
/// /attach?select=SELECTOR: an interactive session with the selected processes. Their output goes out as on /ws
/// (the same filters, formats and per-client buffer, through <see cref="WebSocketEndpoint.Serve"/>); every line
/// of every text frame the client sends becomes an input action for the same selector, in order. What the
/// fleet refuses (a closed stdin, a node down, nothing selected) comes back as an input-refused event
/// (<see cref="InputRefusedNotice"/>), so a person at websocat sees why their line went nowhere.
/// </summary>
public static class AttachEndpoint
{
    // A frame is typed input, not a file upload: as much as POST /api/actions takes in one body.
    private const int MaxFrameBytes = 64 * 1024;

    private const string HowToConnect =
        "/attach is a WebSocket: connect with a WebSocket client and name the processes, e.g. websocat 'ws://HOST:PORT/attach?select=repl'. "
        + "Each line you type goes to the selected processes' stdin; their output comes back.";

    public static Task Handle(HttpContext context) =>
        WebSocketEndpoint.Serve(context, RequireSelect, HowToConnect, (socket, query, sender, done) =>
            ForwardInput(socket, query, sender, done,
                context.RequestServices.GetRequiredService<FleetControl>(), context.RequestServices.GetRequiredService<FleetDirectory>()));

    private static void RequireSelect(StreamQuery query)
    {
        if (query.Select is null)
            throw new BadHttpRequestException("/attach needs select=SELECTOR: the processes whose output you see and whose stdin gets what you type. "
                                              + "Use e.g. websocat 'ws://HOST:PORT/attach?select=repl'.");
    }

    private static async Task ForwardInput(WebSocket socket, StreamQuery query, FrameSender sender, CancellationTokenSource done,
        FleetControl control, FleetDirectory directory)
    {
        var selector = query.Select!;
        var notice = new InputRefusedNotice(query.Text);
        try
        {
            // Not a refusal: a process may yet start, scale up or join that takes input. The person learns it now, not at their first line.
            if (!directory.All().Any(p => p.Process.Stdin && selector.Matches(p.Node, p.Process)))
                await sender.Send(notice.Write(null, null, "no-stdin",
                    $"select={selector} matches no process that takes input now; lines sent go nowhere until one does. "
                    + "A process takes input when its spec says stdin = true."), done.Token);
            var frame = new ArrayBufferWriter<byte>(4096);
            while (await ReceiveFrame(socket, sender, frame, done.Token))
                foreach (var line in Lines(Encoding.UTF8.GetString(frame.WrittenSpan)))
                    await Input(control, selector, line, sender, notice, done.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
        }
        finally
        {
            await done.CancelAsync();
        }
    }

    /// <summary>True with one whole text frame in <paramref name="frame"/>; false once the socket is closed (a close, a binary frame, an oversized frame).</summary>
    private static async Task<bool> ReceiveFrame(WebSocket socket, FrameSender sender, ArrayBufferWriter<byte> frame, CancellationToken cancel)
    {
        frame.ResetWrittenCount();
        while (true)
        {
            var received = await socket.ReceiveAsync(frame.GetMemory(4096), cancel);
            frame.Advance(received.Count);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                await sender.Close(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                return false;
            }
            if (received.MessageType == WebSocketMessageType.Binary)
            {
                await sender.Close(WebSocketCloseStatus.InvalidMessageType, "attach takes text frames: each line is input for the selected processes", CancellationToken.None);
                return false;
            }
            if (frame.WrittenCount > MaxFrameBytes)
            {
                await sender.Close(WebSocketCloseStatus.MessageTooBig, $"a frame of input may hold at most {MaxFrameBytes / 1024} KiB; send lines in smaller frames", CancellationToken.None);
                return false;
            }
            if (received.EndOfMessage) return true;
        }
    }

    /// <summary>A frame's lines: "a\nb" and "a\nb\n" are two, "" and "\n" one empty line (Enter alone); CR before LF is dropped.</summary>
    internal static IEnumerable<string> Lines(string frame)
    {
        var lines = frame.Split('\n');
        var count = frame.EndsWith('\n') ? lines.Length - 1 : lines.Length;
        for (var i = 0; i < count; i++)
            yield return lines[i].EndsWith('\r') ? lines[i][..^1] : lines[i];
    }

    private static async Task Input(FleetControl control, Selector selector, string line, FrameSender sender, InputRefusedNotice notice, CancellationToken cancel)
    {
        Acted acted;
        try
        {
            acted = await control.ActAsync(ControlVerb.Input, selector, line);
        }
        catch (AskTimeoutException)
        {
            await sender.Send(notice.Write(null, null, "no-answer",
                "the fleet did not answer in time, so this line may or may not have arrived; look at the output before sending it again."), cancel);
            return;
        }
        if (acted.Results.Count == 0)
            await sender.Send(notice.Write(null, null, "nothing-selected",
                $"select={selector} matches no process now; this line went nowhere. GET /api/nodes lists the processes there are."), cancel);
        foreach (var result in acted.Results)
            if (!result.Result.IsOk)
                await sender.Send(notice.Write(result.Node, result.Result.Process, result.Result.Outcome, result.Result.Message), cancel);
    }
}
