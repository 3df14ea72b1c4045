using System.Runtime.InteropServices;
using Chorus.Hosting;

namespace Chorus.Node.Uplink;

/// <summary>
/// Where a node spools, and that the place is the node's own: the spool holds every line its processes
/// wrote, so its directory is private (0700, files 0600), and a directory that another user owns (say, one
/// made in /tmp in advance under the name a node will use) is refused rather than written into.
/// </summary>
public static partial class SpoolLocation
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>The directory given, or by default one per node name, so two nodes on one host never share files.</summary>
    public static string For(string node, string? configured)
    {
        if (!string.IsNullOrEmpty(configured)) return configured;
        var state = Environment.GetEnvironmentVariable("XDG_STATE_HOME");
        return string.IsNullOrEmpty(state)
            ? Path.Combine(Path.GetTempPath(), $"chorus-spool-{node}")
            : Path.Combine(state, "chorus", "spool", node);
    }

    /// <summary>
    /// One node per spool: two nodes sharing a directory would each take the other's segments for leftovers of
    /// an earlier run and send or delete them. An exclusive lock on a file there (flock on Linux) is released by
    /// the kernel however the node ends, kill -9 included, so a later run is never locked out.
    /// </summary>
    public static FileStream Claim(string directory)
    {
        try
        {
            return new FileStream(Path.Combine(directory, "lock"), SpoolLocation.PrivateFile(FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException)
        {
            throw new IOException("another chorus-node is using it; give each node its own --spool DIR (or its own --name)");
        }
    }

    /// <summary>
    /// Creates the directory private, or checks that an existing one belongs to this user and makes it private.
    /// A directory of another user is a <see cref="UsageException"/> that names it and says what to do.
    /// </summary>
    public static void Prepare(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            Directory.CreateDirectory(directory);
            return;
        }
        if (!Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory, Private);
            return;
        }
        if (OwnerOf(directory) is { } owner && owner != GetEffectiveUserId())
            throw new UsageException($"the spool directory {directory} belongs to another user (uid {owner}), who could read or change " +
                                     "the lines spooled there. Remove it, or give a directory of your own with --spool DIR.");
        if ((File.GetUnixFileMode(directory) & ~Private) != 0) File.SetUnixFileMode(directory, Private);
    }

    /// <summary>How the spool opens its files: created readable and writable by this user only (0600).</summary>
    public static FileStreamOptions PrivateFile(FileMode mode, FileAccess access, FileShare share)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Share = share };
        if (OperatingSystem.IsLinux()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        return options;
    }

    /// <summary>The owner's uid (of the directory itself, following a symlink to it), or null when it cannot be read.</summary>
    private static uint? OwnerOf(string path)
    {
        // statx's buffer has the same layout on every architecture, unlike stat's: stx_uid is at byte 20.
        const int AtFdCwd = -100, StatxUid = 0x8;
        var buffer = new byte[256];
        return Statx(AtFdCwd, path, 0, StatxUid, buffer) == 0 ? BitConverter.ToUInt32(buffer, 20) : null;
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, byte[] buffer);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();
}
