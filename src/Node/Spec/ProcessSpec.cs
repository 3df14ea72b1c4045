using System.Collections.Immutable;
using Chorus.Node.Procfile;

namespace Chorus.Node.Spec;

/// <summary>
/// How to run one named process: a Procfile line (every key at its default) or a <c>processes.NAME</c> block
/// of a <c>--spec</c> file. The node runs <see cref="Replicas"/> instances of it (README, "Process spec").
/// </summary>
/// <param name="Name">Unique on its node: 1 to 64 of A-Z a-z 0-9 _ -; "all" and names starting with "task-" are reserved.</param>
/// <param name="Command">Run by <c>/bin/sh -c</c>, never empty.</param>
/// <param name="Origin">Where it was written, for error messages: "Procfile:3", "stack.conf: processes.web", "the command after --".</param>
public sealed record ProcessSpec(string Name, string Command, string Origin)
{
    /// <summary>Absolute; null: the node's own working directory (a Procfile's processes, as foreman).</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Set over the node's own environment (env-files first, then <c>environment</c>).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = ImmutableDictionary<string, string>.Empty;

    public IReadOnlyList<string> Groups { get; init; } = [];
    public IReadOnlyDictionary<string, string> Labels { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>At least 1, at most <see cref="MaxReplicas"/>. One instance is named <see cref="Name"/>; more are NAME.1, NAME.2, ... (README, "Replicas and scale").</summary>
    public int Replicas { get; init; } = 1;

    /// <summary>
    /// The most instances of one spec, in the file and by scale. Each spec has 100 ports (PORT = 5000 + 100 x its
    /// place + replica - 1, as foreman): more replicas would take the next spec's ports; and without a bound one
    /// typed count (scale web 1000000000) would have the node start processes until the machine gives out.
    /// </summary>
    public const int MaxReplicas = 100;

    /// <summary>
    /// A task (README, "A task on a node"): once its leader exits, what it left in its group is stopped (stop-signal,
    /// SIGKILL after the grace), since the task is over for the aggregator then (no cancel reaches it) and nothing it
    /// started may run on unseen.
    /// </summary>
    public bool EndsWithItsLeader { get; init; }

    /// <summary>The signal a stop sends first (SIGKILL follows after <see cref="StopGrace"/>).</summary>
    public int StopSignal { get; init; } = Signals.Term;

    /// <summary>Null: the node's stop-grace.</summary>
    public TimeSpan? StopGrace { get; init; }

    /// <summary>True: stdin is a pipe that stays open while the process runs (input, attach); else it is closed.</summary>
    public bool Stdin { get; init; }

    /// <summary>True: run under a pseudo-terminal (colours, line buffering); the output is still split into lines.</summary>
    public bool Tty { get; init; }

    public RestartPolicy Restart { get; init; } = RestartPolicy.No;
    public RestartBackoff Backoff { get; init; } = RestartBackoff.Default;

    /// <summary>Restarts allowed within <see cref="RestartWindow"/>; one more and the process is given up.</summary>
    public int MaxRestarts { get; init; } = 5;
    public TimeSpan RestartWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Null: ready as soon as started.</summary>
    public ReadinessCheck? Readiness { get; init; }

    public IReadOnlyList<Dependency> DependsOn { get; init; } = [];

    /// <summary>A Procfile line: every spec key at its default.</summary>
    public static ProcessSpec FromProcfile(ProcfileEntry entry, string procfile) =>
        new(entry.Name, entry.Command, entry.LineNumber > 0 ? $"{procfile}:{entry.LineNumber}" : procfile)
        {
            Environment = entry.Environment,
        };
}

public enum RestartPolicy
{
    No,
    OnFailure,
    Always,
}

/// <summary>The wait before restart n (from 1) is <c>min(Initial * Factor^(n-1), Max)</c>, moved by up to ±Jitter of itself.</summary>
public sealed record RestartBackoff(TimeSpan Initial, TimeSpan Max, double Factor, double Jitter)
{
    public static readonly RestartBackoff Default = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), 2.0, 0.1);
}

public enum ReadinessKind
{
    /// <summary>A line of the process's output matches the regex.</summary>
    Log,
    /// <summary>HOST:PORT accepts a TCP connection.</summary>
    Tcp,
    /// <summary>A GET of the URL answers 2xx.</summary>
    Http,
    /// <summary>The command (by /bin/sh -c, in the process's directory and environment) exits 0.</summary>
    Command,
}

/// <summary>Looked at every <paramref name="Interval"/> (a log check on every line) until it holds, at most <paramref name="Timeout"/> after the start.</summary>
public sealed record ReadinessCheck(ReadinessKind Kind, string Target, TimeSpan Interval, TimeSpan Timeout);

public enum DependencyCondition
{
    Started,
    Ready,
    Completed,
    CompletedSuccessfully,
}

/// <summary>A process waits for <paramref name="Process"/> (of node <paramref name="Node"/>, or of its own node when null) to reach <paramref name="Condition"/>.</summary>
public sealed record Dependency(string Process, string? Node, DependencyCondition Condition)
{
    /// <summary>As written in a spec and in "waiting" events: "db", "db@n1".</summary>
    public override string ToString() => Node is null ? Process : $"{Process}@{Node}";
}
