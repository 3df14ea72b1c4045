using System.Net;
using System.Text.Json;
using Chorus.Aggregator.Http;
using Chorus.Hosting;
using Chorus.Messages.Control;
using Chorus.Node.Spec;

namespace Chorus.Aggregator.Ctl;

/// <summary>ctl VERB SELECTOR [ARG]: one POST /api/actions, one line per process it touched.</summary>
public static class ActionRun
{
    public static async Task<int> Run(AggregatorClient client, ControlVerb verb, string selector, string? argument, TextWriter output)
    {
        var (status, body) = await client.PostJsonAsync(ActionsEndpoint.Path, Body(verb, selector, argument));
        switch (status)
        {
            case HttpStatusCode.OK:
                return Print(body, output);
            case HttpStatusCode.BadRequest:
                // The aggregator judged the verb, selector or argument: a usage error, in its words.
                throw new UsageException(AggregatorClient.ErrorOf(body, "the aggregator refused the action as malformed."));
            case HttpStatusCode.NotFound:
                Notice.Error(AggregatorClient.ErrorOf(body, $"nothing matches \"{selector}\"."));
                return ExitCodes.NotAllOk;
            default:
                Notice.Error($"the aggregator answered {(int)status}: {AggregatorClient.ErrorOf(body, "no reason given")}.");
                return ExitCodes.NotAllOk;
        }
    }

    private static string Body(ControlVerb verb, string selector, string? argument)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("verb", verb.Name());
            json.WriteString("select", selector);
            switch (verb)
            {
                case ControlVerb.Signal:
                    json.WriteString("signal", argument);
                    break;
                case ControlVerb.Scale:
                    if (!int.TryParse(argument, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var replicas)
                        || replicas > ProcessSpec.MaxReplicas)
                        throw new UsageException($"scale needs a whole number of replicas, 0 to {ProcessSpec.MaxReplicas}, not \"{argument}\". E.g. chorus-aggregator ctl scale worker 3.");
                    json.WriteNumber("replicas", replicas);
                    break;
                case ControlVerb.Input:
                    json.WriteString("text", argument);
                    break;
            }
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>NODE PROC OUTCOME MESSAGE, in columns; 0 when every outcome is ok.</summary>
    private static int Print(JsonElement body, TextWriter output)
    {
        var rows = new List<string[]>();
        var allOk = true;
        if (body.ValueKind == JsonValueKind.Object && body.TryGetProperty("results", out var results) && results.ValueKind == JsonValueKind.Array)
            foreach (var result in results.EnumerateArray())
            {
                var outcome = Field(result, "outcome");
                allOk &= outcome == ActionResult.Ok;
                rows.Add([Field(result, "node"), Field(result, "proc"), outcome, Field(result, "message")]);
            }
        Columns.Write(output, rows);
        return allOk && rows.Count > 0 ? ExitCodes.Success : ExitCodes.NotAllOk;
    }

    public static string Field(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString()!,
                JsonValueKind.Null or JsonValueKind.Undefined => "",
                _ => value.GetRawText(),
            }
            : "";
}
