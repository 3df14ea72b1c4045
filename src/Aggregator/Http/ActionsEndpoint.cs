using System.Text.Json;
using Akka.Actor;
using Chorus.Aggregator.Control;
using Chorus.Hosting;
using Chorus.Messages.Control;
using Chorus.Messages.Selection;
using Chorus.Node.Spec;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Chorus.Aggregator.Http;

/// <summary>
/// POST /api/actions: a verb for every process a selector matches, across the fleet (README, "Actions").
/// It reads a body as every acting endpoint does (<see cref="ActingRequest"/>: JSON, at most 64 KiB, same origin only).
/// </summary>
public static class ActionsEndpoint
{
    public const string Path = "/api/actions";
    public const int MaxBodyBytes = ActingRequest.MaxBodyBytes;

    public static async Task Handle(HttpContext context)
    {
        if (await ActingRequest.ReadJsonBody(context, "An action's body", "Send a shorter selector or input text.") is not { } body) return;

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

    private static Task Results(HttpContext context, IReadOnlyList<NodeActionResult> results) =>
        ActingRequest.Json(context, StatusCodes.Status200OK, json =>
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
        });

    private static Task Error(HttpContext context, int status, string message) => ActingRequest.Error(context, status, message);

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
            // A key given twice is refused: a proxy's log could see "web" where "all" is acted on.
            var root = ActingRequest.ParseObject(body, Example, reason => new ActionException(reason));
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
