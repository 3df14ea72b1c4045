using System.Diagnostics;

namespace Chorus.Tests.Support;

/// <summary>
/// A real disk that fills: a tmpfs of a few hundred KiB mounted on a fresh directory, so writes past its
/// size fail with ENOSPC as on a full disk. Unmounted and removed on dispose.
/// </summary>
public sealed class SmallDisk : IDisposable
{
    private SmallDisk(string path) => Path = path;

    public string Path { get; }

    /// <summary>Why a tmpfs cannot be mounted here, or null when it can (root).</summary>
    public static string? Unavailable() => Environment.UserName != "root" ? "mounting a tmpfs needs root" : null;

    /// <param name="size">As mount's size option: 256k, 1m.</param>
    public static SmallDisk Mount(string size)
    {
        var path = Directory.CreateTempSubdirectory("chorus-small-disk-").FullName;
        var (code, error) = Run("mount", $"-t tmpfs -o size={size} tmpfs {path}");
        if (code != 0)
        {
            Directory.Delete(path);
            throw new InvalidOperationException($"mount -t tmpfs -o size={size} failed ({code}): {error}");
        }
        return new SmallDisk(path);
    }

    /// <summary>Gives the disk a new size, keeping what it holds (as a full disk that was given room).</summary>
    public void Resize(string size)
    {
        var (code, error) = Run("mount", $"-o remount,size={size} {Path}");
        if (code != 0) throw new InvalidOperationException($"mount -o remount,size={size} failed ({code}): {error}");
    }

    public void Dispose()
    {
        // Lazily: a process of the test that still holds a file there must not keep the mount alive.
        Run("umount", $"-l {Path}");
        Directory.Delete(Path, recursive: true);
    }

    private static (int Code, string Error) Run(string program, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true, UseShellExecute = false })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, error);
    }
}

/// <summary>A fact that needs root (a tmpfs to fill, a directory to hand to another user); skipped, with the reason, elsewhere.</summary>
public sealed class SmallDiskFactAttribute : Xunit.FactAttribute
{
    public SmallDiskFactAttribute()
    {
        if (SmallDisk.Unavailable() is { } reason) Skip = reason;
    }
}
