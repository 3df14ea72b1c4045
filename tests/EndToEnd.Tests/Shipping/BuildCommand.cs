using System.Diagnostics;

namespace Chorus.EndToEnd.Tests.Shipping;

/// <summary>
/// Runs one of README's build commands (./publish.sh, dotnet pack, dotnet tool install) to completion within a
/// time bound, as a person at a shell would; a failure or a timeout names the command and carries its output.
/// </summary>
public static class BuildCommand
{
    /// <summary>Runs <paramref name="program"/> in <paramref name="directory"/>; returns its stdout.</summary>
    public static async Task<string> RunAsync(string directory, TimeSpan within, string program, IEnumerable<string> args,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program, args)
            { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        // The test host's MSBuild variables would point the command's build at the test run's own MSBuild.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(name);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        var command = string.Join(' ', [program, .. start.ArgumentList]);

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(within);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"{command} did not finish within {within}:\n{await stdout}\n{await stderr}");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{command} failed ({process.ExitCode}):\n{await stdout}\n{await stderr}");
        return await stdout;
    }
}
