using System.Text.Json;
using Chorus.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace Chorus.Aggregator.Http;

/// <summary>
/// What every endpoint that acts shares (POST /api/actions, the task API): a browser page of another origin gets 403
/// whatever the token (without it, any page a user opens could act on their fleet); a body is JSON (415), of at most
/// <see cref="MaxBodyBytes"/> (413); answers are JSON, an error as <c>{"error": "..."}</c> that says how to fix it.
/// </summary>
public static class ActingRequest
{
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>False once answered 403: the request came from a page of another origin.</summary>
    public static async Task<bool> FromOwnOrigin(HttpContext context)
    {
        var request = context.Request;
        if (request.Headers.Origin.Count == 0 || SameOrigin(request)) return true;
        await Error(context, StatusCodes.Status403Forbidden,
            $"Origin \"{PrintableText.Quote(request.Headers.Origin.ToString())}\" is not this aggregator's: a page of another origin cannot act. " +
            "Send it from the aggregator's own page, with chorus-aggregator, or without an Origin header (curl).");
        return false;
    }

    /// <summary>
    /// The body of an acting request from this origin, JSON, within <see cref="MaxBodyBytes"/> (these endpoints only: the
    /// server's limit stays small); null once answered 403, 415 or 413. <paramref name="what"/> names it ("An action's body").
    /// </summary>
    public static async Task<byte[]?> ReadJsonBody(HttpContext context, string what, string shorter)
    {
        if (!await FromOwnOrigin(context)) return null;
        if (!IsJson(context.Request.ContentType))
        {
            await Error(context, StatusCodes.Status415UnsupportedMediaType, $"{what} is JSON: send the header \"Content-Type: application/json\".");
            return null;
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = MaxBodyBytes;
        if (context.Request.ContentLength > MaxBodyBytes) return await TooLarge(context, what, shorter);
        using var buffer = new MemoryStream();
        try
        {
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return await TooLarge(context, what, shorter);
        }
        return buffer.ToArray();
    }

    private static async Task<byte[]?> TooLarge(HttpContext context, string what, string shorter)
    {
        await Error(context, StatusCodes.Status413PayloadTooLarge, $"{what} is at most {MaxBodyBytes / 1024} KiB. {shorter}");
        return null;
    }

    /// <summary>
    /// The body as a JSON object; a key given twice is refused, not read as its last value: whatever else reads the body
    /// (a proxy's log, an audit) could take the first. A body that is not JSON, or not an object, throws what
    /// <paramref name="refuse"/> makes of the reason, which ends with <paramref name="example"/>.
    /// </summary>
    public static JsonElement ParseObject(byte[] body, string example, Func<string, Exception> refuse)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { AllowDuplicateProperties = false });
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw refuse($"The body is not JSON ({e.Message}). Send an object, {example}.");
        }
        return root.ValueKind == JsonValueKind.Object ? root : throw refuse($"The body must be a JSON object, {example}.");
    }

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media) && media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase);

    /// <summary>The Origin is this server as the request reached it: same scheme, host and port.</summary>
    private static bool SameOrigin(HttpRequest request) =>
        Uri.TryCreate(request.Headers.Origin.ToString(), UriKind.Absolute, out var origin)
        && origin.GetLeftPart(UriPartial.Authority).Equals($"{request.Scheme}://{request.Host.Value}", StringComparison.OrdinalIgnoreCase)
        && origin.AbsolutePath == "/";

    /// <summary>Answers <paramref name="status"/> with a JSON body <paramref name="write"/> writes.</summary>
    public static async Task Json(HttpContext context, int status, Action<Utf8JsonWriter> write)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await using (var json = new Utf8JsonWriter(context.Response.BodyWriter))
            write(json);
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
    }

    public static Task Error(HttpContext context, int status, string message) =>
        Json(context, status, json =>
        {
            json.WriteStartObject();
            json.WriteString("error", message);
            json.WriteEndObject();
        });
}
