using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Chorus.Browser.Tests.Support;

/// <summary>One Server-Sent Event as received: its id (none for a notice) and its one data line.</summary>
public sealed record ReceivedEvent(long? Id, string Data)
{
    public JsonNode Json => JsonNode.Parse(Data) ?? throw new InvalidDataException($"data is not JSON: {Data}");

    public bool IsLine => (string?)Json["type"] == "line";
}

/// <summary>
/// A client of /events that reads the wire as it comes, either event by event or as raw text. Every read
/// fails after <see cref="ReadTimeout"/> rather than hanging the test run.
/// </summary>
public sealed class EventStream : IAsyncDisposable
{
    public static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(15);

    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private EventStream(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _reader = new StreamReader(body, Encoding.UTF8);
    }

    public string? ContentType => _response.Content.Headers.ContentType?.MediaType;

    public static async Task<EventStream> OpenAsync(HttpClient http, string pathAndQuery, long? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        if (lastEventId is { } id) request.Headers.Add("Last-Event-ID", id.ToString(CultureInfo.InvariantCulture));
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"GET {pathAndQuery}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return new EventStream(response, await response.Content.ReadAsStreamAsync());
    }

    /// <summary>The next event; comment lines (keep-alives) are skipped.</summary>
    public async Task<ReceivedEvent> NextAsync()
    {
        while (true)
        {
            if (await NextOrCommentAsync() is { } next) return next;
        }
    }

    /// <summary>
    /// Every event up to the first keep-alive comment. Once the aggregator has nothing new to publish, that
    /// is all it has for this query; with a short <c>events.keep-alive-interval</c> the comment comes soon.
    /// </summary>
    public async Task<IReadOnlyList<ReceivedEvent>> UntilIdleAsync()
    {
        var events = new List<ReceivedEvent>();
        while (await NextOrCommentAsync() is { } next) events.Add(next);
        return events;
    }

    /// <summary>The next event, or null for a comment line.</summary>
    private async Task<ReceivedEvent?> NextOrCommentAsync()
    {
        using var timeout = new CancellationTokenSource(ReadTimeout);
        long? id = null;
        string? data = null;
        while (true)
        {
            var line = await _reader.ReadLineAsync(timeout.Token)
                ?? throw new EndOfStreamException("The server ended the event stream.");
            if (line.Length == 0)
            {
                if (data is not null) return new ReceivedEvent(id, data);
            }
            else if (line.StartsWith("id: ", StringComparison.Ordinal)) id = long.Parse(line[4..], CultureInfo.InvariantCulture);
            else if (line.StartsWith("data: ", StringComparison.Ordinal)) data = data is null ? line[6..] : throw new InvalidDataException($"A second data line in one event: {line}");
            else if (!line.StartsWith(':')) throw new InvalidDataException($"Not a line of this stream: {line}");
            else if (data is null) return null;
        }
    }

    public async Task<IReadOnlyList<ReceivedEvent>> NextAsync(int count)
    {
        var events = new List<ReceivedEvent>(count);
        while (events.Count < count) events.Add(await NextAsync());
        return events;
    }

    /// <summary>The next events exactly as sent, line endings and all, up to the blank line ending the <paramref name="count"/>-th.</summary>
    public async Task<string> ReadRawAsync(int count)
    {
        using var timeout = new CancellationTokenSource(ReadTimeout);
        var text = new StringBuilder();
        var one = new char[1];
        while (count > 0)
        {
            if (await _reader.ReadAsync(one, timeout.Token) == 0) throw new EndOfStreamException("The server ended the event stream.");
            text.Append(one[0]);
            if (text.Length >= 2 && text[^1] == '\n' && text[^2] == '\n') count--;
        }
        return text.ToString();
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        return ValueTask.CompletedTask;
    }
}
