using Microsoft.AspNetCore.Http;

namespace Chorus.Aggregator.Http;

/// <summary>An error answered in one line of plain text, readable in curl and in a browser alike.</summary>
public static class PlainTextAnswer
{
    public static async Task Write(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(message + "\n");
    }
}
