using System.Globalization;
using Akka.Configuration;

namespace Chorus.Hosting;

/// <summary>
/// One section of the configuration (chorus.node, chorus.aggregator), read into a settings record once at start.
/// A value Chorus cannot use (unparsable, zero where it must be positive, out of range) is a
/// <see cref="UsageException"/> that names its key and the file holding its default, never a stack trace.
/// </summary>
public sealed class SettingsSection
{
    private readonly Config _config;
    private readonly string _file;

    /// <param name="file">The shipped file under hocon/ that documents the section's keys and defaults.</param>
    public SettingsSection(Config config, string section, string file)
    {
        Name = section;
        _file = file;
        _config = config.GetConfig(section)
            ?? throw new InvalidOperationException($"The {section} configuration section is missing (hocon/{file}).");
    }

    public string Name { get; }

    /// <summary>The raw value of a key with no rule to check (a path, an address checked by its own parser).</summary>
    public string Text(string key) => _config.GetString(key);

    /// <summary>A duration longer than 0 (or 0 too, when <paramref name="zeroAllowed"/>); a negative one HOCON already refuses.</summary>
    public TimeSpan Duration(string key, bool zeroAllowed = false)
    {
        var value = Read(key, () => _config.GetTimeSpan(key, null, allowInfinite: false));
        return zeroAllowed || value > TimeSpan.Zero ? value : throw Invalid(key, "a duration must be longer than 0");
    }

    /// <summary>A count of at least 1.</summary>
    public int Count(string key) => (int)Count(key, int.MaxValue);

    /// <summary>A count of at least 1, up to <paramref name="largest"/>.</summary>
    public long Count(string key, long largest)
    {
        var value = Read(key, () => _config.GetLong(key));
        if (value < 1) throw Invalid(key, $"{value} is not a count of at least 1");
        return value <= largest ? value : throw Invalid(key, $"{value} is more than {largest}");
    }

    public int Bytes(string key, int smallest, int largest) => (int)Bytes(key, smallest, (long)largest);

    public long Bytes(string key, long smallest, long largest)
    {
        var value = Read(key, () => _config.GetByteSize(key)) ?? throw Invalid(key, "a size is required");
        if (Overflows(key)) throw Invalid(key, $"{_config.GetString(key)} is more bytes than {long.MaxValue}");
        return value >= smallest && value <= largest ? value : throw Invalid(key, $"{value} bytes is outside {smallest} to {largest}");
    }

    /// <summary>A value that breaks a rule of its own (one key against another, a name outside a list).</summary>
    public UsageException Invalid(string key, string why) =>
        new($"{Name}.{key}: {why}. See hocon/{_file} for what it means and its default.");

    /// <summary>
    /// Akka multiplies a size by its unit without checking, so a huge one wraps around to a small or negative
    /// number of bytes; this multiplies again, by the unit Akka gives the same suffix, where it cannot wrap.
    /// </summary>
    private bool Overflows(string key)
    {
        var text = _config.GetString(key).Trim();
        var digits = text.TakeWhile(c => char.IsAsciiDigit(c) || c == '.').Count();
        if (digits == 0 || !double.TryParse(text[..digits], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            return false;
        var unit = ConfigurationFactory.ParseString($"unit = 1{text[digits..]}").GetByteSize("unit") ?? 1;
        return number * unit > long.MaxValue;
    }

    private T Read<T>(string key, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is FormatException or OverflowException or ConfigurationException or ArgumentException)
        {
            throw Invalid(key, e.Message);
        }
    }
}
