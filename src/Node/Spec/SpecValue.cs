using System.Globalization;
using Akka.Configuration.Hocon;
using Chorus.Hosting;

namespace Chorus.Node.Spec;

/// <summary>
/// One value of a spec at its key path (processes.web.restart-backoff.factor), read as the type its key wants.
/// Every mistake is a <see cref="SpecException"/> naming the file and the path, what is wrong and the fix.
/// </summary>
internal sealed class SpecValue(HoconValue value, string path, string file)
{
    public string Path { get; } = path;

    public string File { get; } = file;

    public SpecException Error(string what, string fix) => new($"{File}: {Path}: {what}; {fix}.");

    /// <summary>An object whose keys are all among <paramref name="known"/> (null: any key, as in environment).</summary>
    public SpecObject Object(IReadOnlyList<string>? known, string example)
    {
        NotEmpty(example);
        if (!value.IsObject()) throw Error($"is {Kind()}, not an object", $"write it as {example}");
        return new SpecObject(value.GetObject(), Path, File, known);
    }

    public IReadOnlyList<SpecValue> Array(string example)
    {
        NotEmpty(example);
        if (!value.IsArray()) throw Error($"is {Kind()}, not a list", $"write it as {example}");
        return value.GetArray().Select((v, i) => new SpecValue(v, $"{Path}[{i}]", File)).ToArray();
    }

    /// <summary>A string, number or bool, as written (HOCON joins "a b c" to one string).</summary>
    public string Text(string example)
    {
        NotEmpty(example);
        if (!value.IsString()) throw Error($"is {Kind()}, not a single value", $"write it as {example}");
        return value.GetString() ?? "";
    }

    public bool Bool()
    {
        var text = Text("true or false");
        return text switch
        {
            "true" => true,
            "false" => false,
            _ => throw Error($"\"{text}\" is not true or false", "write true or false"),
        };
    }

    public int Int(string example)
    {
        var text = Text(example);
        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw Error($"\"{text}\" is not a whole number", $"write e.g. {example}");
    }

    public double Number(string example)
    {
        var text = Text(example);
        return double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw Error($"\"{text}\" is not a number", $"write e.g. {example}");
    }

    /// <summary>A duration longer than 0 (or 0 too, when <paramref name="zeroAllowed"/>).</summary>
    public TimeSpan Duration(bool zeroAllowed = false)
    {
        var text = Text(DurationText.Example);
        var duration = DurationText.Parse(text)
                       ?? throw Error($"\"{text}\" is not a duration", $"write a number and a unit, e.g. {DurationText.Example}");
        return duration > TimeSpan.Zero || zeroAllowed ? duration : throw Error($"{text} is not longer than 0", $"give a positive duration, e.g. {DurationText.Example}");
    }

    public IReadOnlyList<string> Strings(string example) => Array(example).Select(v => v.Text(example)).ToArray();

    // An entry written without its value ("key =" then a line break) reaches us as a value with nothing in it.
    private void NotEmpty(string example)
    {
        if (value.Values.Count == 0) throw Error("has no value", $"write it as {example}");
    }

    private string Kind() => value.IsObject() ? "an object" : value.IsArray() ? "a list" : $"\"{value.GetString()}\"";
}
