namespace Chorus.Hosting;

/// <summary>
/// A file the user named on the command line (a Procfile, a spec, an environment file), read whole. Each way it
/// can fail becomes that kind of file's own <see cref="UsageException"/>, whose message says how to fix it.
/// </summary>
public static class UserFile
{
    /// <param name="unreadable">Given the system's reason (permissions, an I/O error).</param>
    public static string ReadAllText(string path, Func<UsageException> isDirectory, Func<UsageException> notFound, Func<string, UsageException> unreadable)
    {
        if (Directory.Exists(path)) throw isDirectory();
        try
        {
            return File.ReadAllText(path);
        }
        // ArgumentException: an empty path, which names no file either.
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or ArgumentException)
        {
            throw notFound();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw unreadable(e.Message);
        }
    }
}
