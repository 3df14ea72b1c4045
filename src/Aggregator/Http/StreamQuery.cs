using System.Globalization;
using System.Text.RegularExpressions;
using Chorus.Aggregator.Control;
using Chorus.Messages;
using Chorus.Messages.Selection;
using Microsoft.AspNetCore.Http;

namespace Chorus.Aggregator.Http;

/// <summary>
/// What a watcher asked for in the query string of /ws, /events or /attach. A mistake is a
/// <see cref="BadHttpRequestException"/> whose message says what is wrong and how to ask instead; the
/// endpoint answers it with 400. An empty value means the same as leaving the parameter out.
/// </summary>
/// <param name="Select">The select= selector, when one is given.</param>
public sealed record StreamQuery(StreamFilter Filter, int Backlog, bool Text, Selector? Select = null)
{
    // "token" carries the page's access token; it is not a filter, and this is not where it is checked.
    // "last-event-id" is where /events resumes for a client that cannot send the header (EventSource, when
    // the page reconnects by itself); /events reads it.
    private static readonly HashSet<string> Names = new(StringComparer.OrdinalIgnoreCase)
        { "node", "proc", "stream", "grep", "select", "backlog", "format", "token", "last-event-id" };

    /// <param name="directory">What select= matches processes by.</param>
    public static StreamQuery Parse(IQueryCollection query, AggregatorSettings settings, FleetDirectory directory)
    {
        foreach (var (name, values) in query)
        {
            if (!Names.Contains(name))
                throw Bad($"\"{name}\" is not a parameter of this stream. Use node, proc, stream, grep, select, backlog (and format on /ws), e.g. ?proc=web&stream=stderr.");
            if (values.Count > 1)
                throw Bad($"{name} is given {values.Count} times; give it once.");
        }
        var select = ParseSelect(query);
        var filter = new StreamFilter(Value(query, "node"), Value(query, "proc"), ParseStream(query), ParseGrep(query, settings.GrepTimeout),
            select is null ? null : new SelectorFilter(select, directory));
        return new StreamQuery(filter, ParseBacklog(query, settings.BacklogCapacity), ParseFormat(query), select);
    }

    private static string? Value(IQueryCollection query, string name) =>
        query[name].ToString() is { Length: > 0 } value ? value : null;

    private static OutputStream? ParseStream(IQueryCollection query) =>
        Value(query, "stream") switch
        {
            null => null,
            "stdout" => OutputStream.Stdout,
            "stderr" => OutputStream.Stderr,
            var other => throw Bad($"stream=\"{other}\" is not a stream; use stream=stdout or stream=stderr, or leave it out for both."),
        };

    private static Selector? ParseSelect(IQueryCollection query)
    {
        if (Value(query, "select") is not { } text) return null;
        try
        {
            return Selector.Parse(text);
        }
        catch (SelectorException e)
        {
            throw Bad($"select=\"{text}\" is not a selector: {e.Message.TrimEnd('.')}. URL-encode it (curl -G --data-urlencode 'select=group:web node:eu*').");
        }
    }

    private static Regex? ParseGrep(IQueryCollection query, TimeSpan timeout)
    {
        if (Value(query, "grep") is not { } pattern) return null;
        try
        {
            // Linear time whatever the pattern: a watcher's regex runs on every line.
            return new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, timeout);
        }
        catch (RegexParseException e)
        {
            throw Bad($"grep=\"{pattern}\" is not a valid regex: {e.Message} Fix the pattern, and URL-encode it (curl -G --data-urlencode 'grep=...').");
        }
        catch (NotSupportedException e)
        {
            throw Bad($"grep=\"{pattern}\" cannot run here: {e.Message} grep uses a linear-time regex engine, without backreferences, lookarounds or atomic groups; rewrite the pattern without them.");
        }
    }

    private static int ParseBacklog(IQueryCollection query, int capacity)
    {
        if (Value(query, "backlog") is not { } text) return 0;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var backlog))
            throw Bad($"backlog=\"{text}\" is not a count of items; use a whole number from 0 to {capacity}, e.g. backlog=100.");
        if (backlog > capacity)
            throw Bad($"backlog={backlog} is more than the {capacity} items this aggregator keeps; use at most backlog={capacity} (backlog-capacity in aggregator.conf sets it).");
        return backlog;
    }

    private static bool ParseFormat(IQueryCollection query) =>
        Value(query, "format") switch
        {
            null or "json" => false,
            "text" => true,
            var other => throw Bad($"format=\"{other}\" is not a format; use format=json (the default) or format=text."),
        };

    private static BadHttpRequestException Bad(string message) => new(message);
}
