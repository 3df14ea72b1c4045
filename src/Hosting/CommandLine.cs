using System.CommandLine;

namespace Chorus.Hosting;

/// <summary>
/// Runs a System.CommandLine command the way both executables should behave: flag errors and
/// <see cref="UsageException"/>s print one clear message on stderr and exit 2; signals are left to the
/// program (System.CommandLine would otherwise force an exit 2 s after Ctrl-C, before lines are delivered).
/// </summary>
public static class CommandLine
{
    public static async Task<int> InvokeAsync(RootCommand command, string[] args)
    {
        var parsed = command.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors) Console.Error.WriteLine($"{command.Name}: {error.Message}");
            Console.Error.WriteLine($"Run {command.Name} --help for the flags.");
            return ExitCodes.Usage;
        }
        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false });
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"{command.Name}: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (CannotListenException e)
        {
            Console.Error.WriteLine($"{command.Name}: {e.Message}");
            return ExitCodes.CannotListen;
        }
    }
}
