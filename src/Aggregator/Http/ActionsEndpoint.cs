using System.Text.Json;
using Akka.Actor;
using Chorus.Aggregator.Control;
using Chorus.Hosting;
using Chorus.Messages.Control;
using Chorus.Messages.Selection;
using Chorus.Node.Spec;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace Chorus.Aggregator.Http;

/// <summary>
/// POST /api/actions: a verb for every process a selector matches, across the fleet (README, "Actions").
/// The one endpoint that reads a body: JSON, at most <see cref="MaxBodyBytes"/>. A browser page of another origin
/// gets 403 whatever the token: without it, any page a user opens could restart their processes.
/// </summary>
public static class ActionsEndpoint
{
    public const string Path = "/api/actions";
    public const int MaxBodyBytes = 64 * 1024;

    public static async Task Handle(HttpContext context)
    {
        var request = context.Request;
        if (request.Headers.Origin.Count > 0 && !SameOrigin(request))
        {
            await Error(context, StatusCodes.Status403Forbidden,
                $"Origin \"{PrintableText.Quote(request.Headers.Origin.ToString())}\" is not this aggregator's: a page of another origin cannot act. " +
                "Send actions from the aggregator's own page, with chorus-aggregator ctl, or without an Origin header (curl).");
            return;
        }
        if (!IsJson(request.ContentType))
        {
            await Error(context, StatusCodes.Status415UnsupportedMediaType,
                "An action is a JSON body: send the header \"Content-Type: application/json\".");
            return;
        }
        if (await ReadBody(context) is not { } body) return;

        Action action;
        try
        {
            action = Action.From(body);
        }
        catch (ActionException e)
        {
            await Error(context, StatusCodes.Status400BadRequest, e.Message);
            return;
        }

        var control = context.RequestServices.GetRequiredService<FleetControl>();
        Acted acted;
        try
        {
            acted = await control.ActAsync(action.Verb, action.Selector, action.Argument);
        }
        catch (AskTimeoutException)
        {
            await Error(context, StatusCodes.Status503ServiceUnavailable,
                "The aggregator's control plane did not answer in time. Try again; if it persists, the aggregator is overloaded.");
            return;
        }
        if (acted.Results.Count == 0)
        {
            await Error(context, StatusCodes.Status404NotFound,
                $"The selector \"{PrintableText.Quote(action.Selector.Text)}\" matches no process on any node. List them with chorus-aggregator ctl ps or GET /api/nodes.");
            return;
        }
        await Results(context, acted.Results);
    }

    /// <summary>The body, within <see cref="MaxBodyBytes"/> (this endpoint only: the server's limit stays small); null once answered 413.</summary>
    private static async Task<byte[]?> ReadBody(HttpContext context)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = MaxBodyBytes;
        if (context.Request.ContentLength > MaxBodyBytes) return await TooLarge(context);
        using var buffer = new MemoryStream();
        try
        {
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return await TooLarge(context);
        }
        return buffer.ToArray();
    }

    private static async Task<byte[]?> TooLarge(HttpContext context)
    {
        await Error(context, StatusCodes.Status413PayloadTooLarge,
            $"An action's body is at most {MaxBodyBytes / 1024} KiB. Send a shorter selector or input text.");
        return null;
    }

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media) && media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase);

    /// <summary>The Origin is this server as the request reached it: same scheme, host and port.</summary>
    private static bool SameOrigin(HttpRequest request) =>
        Uri.TryCreate(request.Headers.Origin.ToString(), UriKind.Absolute, out var origin)
        && origin.GetLeftPart(UriPartial.Authority).Equals($"{request.Scheme}://{request.Host.Value}", StringComparison.OrdinalIgnoreCase)
        && origin.AbsolutePath == "/";

    private static async Task Results(HttpContext context, IReadOnlyList<NodeActionResult> results)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await using (var json = new Utf8JsonWriter(context.Response.BodyWriter))
        {
            json.WriteStartObject();
            json.WriteStartArray("results");
            foreach (var (node, result) in results)
            {
                json.WriteStartObject();
                json.WriteString("node", node);
                json.WriteString("proc", result.Process);
                json.WriteString("outcome", result.Outcome);
                json.WriteString("message", result.Message);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
    }

    public static async Task Error(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await using (var json = new Utf8JsonWriter(context.Response.BodyWriter))
        {
            json.WriteStartObject();
            json.WriteString("error", message);
            json.WriteEndObject();
        }
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
    }

    /// <summary>An action as the body states it, checked: a verb, a selector, and the argument the verb takes.</summary>
    private sealed record Action(ControlVerb Verb, Selector Selector, string Argument)
    {
        private const string Example = "e.g. {\"verb\": \"restart\", \"select\": \"group:workers\"}";

        private static readonly Dictionary<ControlVerb, string> ArgumentOf = new()
        {
            [ControlVerb.Signal] = "signal", [ControlVerb.Scale] = "replicas", [ControlVerb.Input] = "text",
        };

        public static Action From(byte[] body)
        {
            try
            {
                return Read(body);
            }
            // The parser leaves a string's bytes unchecked until it is read: invalid UTF-8, or a \uD800 without its pair, throws then.
            catch (InvalidOperationException e)
            {
                throw new ActionException($"The body holds a string that is not text ({e.Message}). Send UTF-8, with \\u escapes only for whole characters.");
            }
        }

        private static Action Read(byte[] body)
        {
            JsonElement root;
            try
            {
                // A key given twice is refused, not read as its last value: whatever else reads the body (a proxy's log,
                // an audit) could take the first, and see "web" where "all" is acted on.
                using var document = JsonDocument.Parse(body, new JsonDocumentOptions { AllowDuplicateProperties = false });
                root = document.RootElement.Clone();
            }
            catch (JsonException e)
            {
                throw new ActionException($"The body is not JSON ({e.Message}). Send an object, {Example}.");
            }
            if (root.ValueKind != JsonValueKind.Object) throw new ActionException($"The body must be a JSON object, {Example}.");
            foreach (var property in root.EnumerateObject())
                if (property.Name is not ("verb" or "select" or "signal" or "replicas" or "text"))
                    throw new ActionException($"Unknown field \"{PrintableText.Quote(property.Name)}\". An action has verb, select, and signal, replicas or text where the verb needs one.");

            var verbName = Text(root, "verb") ?? throw new ActionException($"\"verb\" is missing: give one of {ControlVerbNames.Known}, {Example}.");
            if (!ControlVerbNames.TryParse(verbName, out var verb))
                throw new ActionException($"\"{PrintableText.Quote(verbName)}\" is not a verb. Give one of {ControlVerbNames.Known}.");
            var selectText = Text(root, "select") ?? throw new ActionException($"\"select\" is missing: say which processes, {Example} (\"all\" selects every process).");
            Selector selector;
            try
            {
                selector = Selector.Parse(selectText);
            }
            catch (SelectorException e)
            {
                throw new ActionException(e.Message);
            }

            foreach (var (other, name) in ArgumentOf)
                if (other != verb && root.TryGetProperty(name, out _))
                    throw new ActionException($"{verb.Name()} takes no \"{name}\" (that is {other.Name()}'s). Drop it.");
            return new Action(verb, selector, ArgumentFor(root, verb));
        }

        private static string ArgumentFor(JsonElement root, ControlVerb verb)
        {
            switch (verb)
            {
                case ControlVerb.Signal:
                    var signal = Text(root, "signal") ?? throw new ActionException("signal needs \"signal\": a signal name, e.g. \"HUP\" or \"SIGUSR1\".");
                    if (Signals.Parse(signal) is null)
                        throw new ActionException($"\"{PrintableText.Quote(signal)}\" is not a signal Chorus knows. Give one of {Signals.Known} (with or without SIG).");
                    return signal;
                case ControlVerb.Scale:
                    if (!root.TryGetProperty("replicas", out var replicas) || replicas.ValueKind != JsonValueKind.Number
                        || !replicas.TryGetInt32(out var count) || count < 0 || count > ProcessSpec.MaxReplicas)
                        throw new ActionException($"scale needs \"replicas\": a whole number of instances, 0 to {ProcessSpec.MaxReplicas}, e.g. \"replicas\": 3.");
                    return count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                case ControlVerb.Input:
                    var text = Text(root, "text") ?? throw new ActionException("input needs \"text\": the line to send to stdin, e.g. \"text\": \"print(1)\".");
                    if (text.Contains('\n') || text.Contains('\r'))
                        throw new ActionException("\"text\" is one line and holds a line break; the newline is added. Send each line as its own input action.");
                    return text;
                default:
                    return "";
            }
        }

        private static string? Text(JsonElement root, string name)
        {
            if (!root.TryGetProperty(name, out var value)) return null;
            if (value.ValueKind != JsonValueKind.String) throw new ActionException($"\"{name}\" must be a JSON string, {Example}.");
            return value.GetString();
        }
    }

    private sealed class ActionException(string message) : Exception(message);
}
