using Microsoft.AspNetCore.Http;

namespace Chorus.Aggregator.Http;

/// <summary>What a watcher asked for in the query string of /ws; a bad value is a 400 with the reason.</summary>
public sealed record StreamQuery(bool Text)
{
    public static StreamQuery Parse(IQueryCollection query) =>
        query["format"].ToString() switch
        {
            "" or "json" => new StreamQuery(Text: false),
            "text" => new StreamQuery(Text: true),
            var other => throw new BadHttpRequestException($"format=\"{other}\" is not a format; use format=json (the default) or format=text."),
        };
}
