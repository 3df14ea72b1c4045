using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

// latency-probe URL LINES SECONDS [DELAYS_FILE]
//
// Connects to the aggregator's WebSocket, says "connected" on stderr, then reads JSON frames until LINES
// lines from gen's paced mode have arrived or SECONDS have passed. Each such line carries the wall-clock
// nanoseconds of its write (@TAG:NUMBER:NANOS:padding); its delay is arrival minus that. Prints key=value
// lines on stdout: counts, order per tag, and the delay percentiles in ms, for all lines and for those
// written after node-up arrived (lines written while the node was still joining wait for the join). DELAYS_FILE gets one line per
// received line: its number, write time (Unix ns) and delay (ms), to see when the slow ones happened.
if (args.Length is not (3 or 4) || !long.TryParse(args[1], out var wanted) || !double.TryParse(args[2], CultureInfo.InvariantCulture, out var seconds))
{
    Console.Error.WriteLine("usage: latency-probe ws://HOST:PORT/ws LINES SECONDS [DELAYS_FILE]");
    return 2;
}

using var socket = new ClientWebSocket();
using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
try
{
    await socket.ConnectAsync(new Uri(args[0]), deadline.Token);
}
catch (Exception e) when (e is WebSocketException or OperationCanceledException)
{
    Console.Error.WriteLine($"latency-probe: cannot connect to {args[0]}: {e.Message}");
    return 1;
}
Console.Error.WriteLine("latency-probe: connected");

var delaysMs = new List<double>();
var joinedDelaysMs = new List<double>();
var writtenNsList = new List<long>();
long nodeUpNs = long.MaxValue;
var perLine = new StringBuilder();
var lastByTag = new Dictionary<string, long>();
long frames = 0, events = 0, gaps = 0, late = 0, outOfOrder = 0, duplicates = 0, malformed = 0;
var buffer = new byte[1 << 16];
var message = new MemoryStream();
var clock = Stopwatch.StartNew();
var ended = "lines";
try
{
    while (delaysMs.Count < wanted)
    {
        var result = await socket.ReceiveAsync(buffer, deadline.Token);
        if (result.MessageType == WebSocketMessageType.Close) { ended = "closed"; break; }
        message.Write(buffer, 0, result.Count);
        if (!result.EndOfMessage) continue;
        var arrivedNs = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;
        frames++;
        Measure(message.GetBuffer().AsSpan(0, (int)message.Length), arrivedNs);
        message.SetLength(0);
    }
}
catch (OperationCanceledException)
{
    ended = "timeout";
}
catch (WebSocketException e)
{
    ended = "error: " + e.Message;
}

if (args.Length == 4) File.WriteAllText(args[3], perLine.ToString());
for (var i = 0; i < delaysMs.Count; i++)
    if (writtenNsList[i] >= nodeUpNs) joinedDelaysMs.Add(delaysMs[i]);
delaysMs.Sort();
joinedDelaysMs.Sort();
Console.WriteLine($"ended={ended}");
Console.WriteLine($"seconds={clock.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)}");
Console.WriteLine($"frames={frames}");
Console.WriteLine($"lines={delaysMs.Count}");
Console.WriteLine($"events={events}");
Console.WriteLine($"gaps={gaps}");
Console.WriteLine($"late={late}");
Console.WriteLine($"order={outOfOrder}");
Console.WriteLine($"dup={duplicates}");
Console.WriteLine($"missing={lastByTag.Values.Sum() - (delaysMs.Count - duplicates)}");
Console.WriteLine($"malformed={malformed}");
Console.WriteLine($"joined_lines={joinedDelaysMs.Count}");
foreach (var (name, p) in new[] { ("p50", 0.50), ("p90", 0.90), ("p99", 0.99), ("max", 1.0) })
{
    Console.WriteLine($"{name}_ms={Percentile(delaysMs, p).ToString("F1", CultureInfo.InvariantCulture)}");
    Console.WriteLine($"joined_{name}_ms={Percentile(joinedDelaysMs, p).ToString("F1", CultureInfo.InvariantCulture)}");
}
return 0;

void Measure(ReadOnlySpan<byte> json, long arrivedNs)
{
    try
    {
        using var document = JsonDocument.Parse(json.ToArray());
        var root = document.RootElement;
        if (root.GetProperty("type").GetString() != "line")
        {
            events++;
            var kind = root.TryGetProperty("event", out var name) ? name.GetString() : null;
            if (kind == "gap") gaps++;
            if (kind == "node-up" && nodeUpNs == long.MaxValue) nodeUpNs = arrivedNs;
            return;
        }
        if (root.TryGetProperty("late", out var isLate) && isLate.ValueKind == JsonValueKind.True) late++;
        // @TAG:NUMBER:NANOS:padding
        var parts = (root.GetProperty("text").GetString() ?? "").Split(':');
        if (parts.Length < 4 || !parts[0].StartsWith('@') || !long.TryParse(parts[1], out var number) || !long.TryParse(parts[2], out var writtenNs))
        {
            malformed++;
            return;
        }
        var last = lastByTag.GetValueOrDefault(parts[0]);
        if (number == last) duplicates++;
        else if (number < last) outOfOrder++;
        else lastByTag[parts[0]] = number;
        var delayMs = (arrivedNs - writtenNs) / 1e6;
        delaysMs.Add(delayMs);
        writtenNsList.Add(writtenNs);
        perLine.Append(CultureInfo.InvariantCulture, $"{number} {writtenNs} {delayMs:F2}\n");
    }
    catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
    {
        malformed++;
    }
}

static double Percentile(List<double> sorted, double p) =>
    sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
