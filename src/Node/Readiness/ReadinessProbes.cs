using Chorus.Node.Spec;

namespace Chorus.Node.Readiness;

/// <summary>The probe for a spec's readiness check: tcp, http or command. A log check has none (the process actor watches the lines).</summary>
public static class ReadinessProbes
{
    // One look never takes longer than the check's interval, nor than this (an interval of minutes still gets a fresh look in time).
    private static readonly TimeSpan LongestLook = TimeSpan.FromSeconds(10);

    /// <param name="environment">The process's environment, in which a command check runs.</param>
    public static IReadinessProbe? For(ReadinessCheck check, ProcessSpec spec, IReadOnlyDictionary<string, string> environment)
    {
        var look = LookTimeout(check);
        return check.Kind switch
        {
            ReadinessKind.Log => null,
            ReadinessKind.Tcp => new TcpProbe(TcpProbe.ParseTarget(check.Target), look),
            ReadinessKind.Http => new HttpProbe(new Uri(check.Target, UriKind.Absolute), look),
            ReadinessKind.Command => new CommandProbe(check.Target, spec, environment, look),
            _ => throw new ArgumentOutOfRangeException(nameof(check), check.Kind, "an unknown readiness kind"),
        };
    }

    /// <summary>How long one look may take: the check's interval, at most <see cref="LongestLook"/>.</summary>
    public static TimeSpan LookTimeout(ReadinessCheck check) => check.Interval < LongestLook ? check.Interval : LongestLook;

    /// <summary>"1 s", "250 ms": a look's bound, as failure messages say it.</summary>
    internal static string Say(TimeSpan span) =>
        span.TotalSeconds >= 1 ? $"{span.TotalSeconds:0.#} s" : $"{span.TotalMilliseconds:0} ms";
}
