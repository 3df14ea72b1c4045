using System.CommandLine;
using System.Text.RegularExpressions;

namespace Chorus.Hosting;

/// <summary>
/// Runs a System.CommandLine command the way both executables should behave: flag errors and
/// <see cref="UsageException"/>s print one clear error on stderr and exit 2; signals are left to the
/// program (System.CommandLine would otherwise force an exit 2 s after Ctrl-C, before lines are delivered).
/// </summary>
public static class CommandLine
{
    public static async Task<int> InvokeAsync(RootCommand command, string[] args, Func<ParseResult, Task<int>> run)
    {
        command.SetAction(run);
        var parsed = command.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // One line each: some of System.CommandLine's messages list the allowed values on lines of their own.
            foreach (var error in parsed.Errors)
                Notice.Error($"{Regex.Replace(error.Message, @"\s+", " ").TrimEnd('.')}. Run {command.Name} --help for the flags.");
            return ExitCodes.Usage;
        }
        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false });
        }
        catch (UsageException e)
        {
            Notice.Error(e.Message);
            return ExitCodes.Usage;
        }
        catch (CannotListenException e)
        {
            Notice.Error(e.Message);
            return ExitCodes.CannotListen;
        }
    }
}
