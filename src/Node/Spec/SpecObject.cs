using Akka.Configuration.Hocon;

namespace Chorus.Node.Spec;

/// <summary>An object of a spec whose keys were checked against the ones its place allows: a typo never passes.</summary>
internal sealed class SpecObject
{
    private readonly HoconObject _object;

    public SpecObject(HoconObject hocon, string path, string file, IReadOnlyList<string>? known)
    {
        _object = hocon;
        Path = path;
        File = file;
        if (known is null) return;
        foreach (var key in hocon.Items.Keys)
        {
            if (known.Contains(key)) continue;
            var at = Combine(path, key);
            var fix = NearestKey.Of(key, known) is { } nearest ? $"did you mean {nearest}? " : "";
            throw new SpecException($"{file}: {at}: unknown key; {fix}the keys here are {string.Join(", ", known)}.");
        }
    }

    public string Path { get; }

    public string File { get; }

    public IEnumerable<string> Keys => _object.Items.Keys;

    public SpecException Error(string what, string fix) => new($"{File}: {Path}: {what}; {fix}.");

    /// <summary>The value at <paramref name="key"/>, or null when it is not written.</summary>
    public SpecValue? Get(string key) =>
        _object.Items.TryGetValue(key, out var value) ? new SpecValue(value, Combine(Path, key), File) : null;

    private static string Combine(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";
}
