using Chorus.Tests.Support;

namespace Chorus.EndToEnd.Tests;

/// <summary>
/// What a foreman user expects of the real executables: --procfile alone runs ./Procfile, the .env beside it and
/// --env-file set the processes' environment, FORCE_COLOR brings colours into a pipe.
/// </summary>
public sealed class ForemanConventionsTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("chorus-foreman-");
    private static readonly Dictionary<string, string?> NoChange = [];

    [Fact]
    public async Task The_aggregator_given_procfile_alone_runs_the_procfile_of_its_folder_with_the_env_beside_it_and_the_env_files()
    {
        Write("Procfile", "greet: echo \"$GREETING|$WHO|$CHORUS_TEST_BASE\"\n");
        Write(".env", "# read first\nexport GREETING='hello there'\nWHO=dotenv\n");
        Write("later.env", "WHO=\"later\\nfile\"\n");

        using var aggregator = ChorusProcess.StartFrom(_folder.FullName, new Dictionary<string, string?> { ["CHORUS_TEST_BASE"] = "base" },
            "chorus-aggregator", "--listen", "127.0.0.1:0", "--http", "127.0.0.1:0", "--name", "n", "--procfile", "--env-file", "later.env");

        Assert.Equal(0, await aggregator.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        // The value's line break makes two lines of output.
        Assert.Contains(aggregator.Stdout, l => l.EndsWith("hello there|later"));
        Assert.Contains(aggregator.Stdout, l => l.EndsWith("file|base"));
    }

    [Theory]
    [InlineData("chorus-aggregator", "--http")]
    [InlineData("chorus-node", "--aggregator")]
    public async Task Procfile_alone_in_a_folder_without_one_exits_2_saying_where_it_looked(string executable, string flag)
    {
        using var process = ChorusProcess.StartFrom(_folder.FullName, NoChange, executable, "--listen", "127.0.0.1:0", flag, "127.0.0.1:0", "--procfile");

        Assert.Equal(2, await process.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(process.Stderr, l => l.StartsWith("chorus: error: --procfile without a FILE runs ./Procfile") && l.Contains(_folder.FullName));
    }

    [Fact]
    public async Task Procfile_alone_in_a_folder_whose_Procfile_is_a_directory_exits_2_saying_so()
    {
        _folder.CreateSubdirectory("Procfile");

        using var node = ChorusProcess.StartFrom(_folder.FullName, NoChange, "chorus-node",
            "--aggregator", "127.0.0.1:4053", "--listen", "127.0.0.1:0", "--procfile");

        Assert.Equal(2, await node.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(["chorus: error: Procfile \"Procfile\" is a directory. Pass the file itself with --procfile, e.g. Procfile/Procfile."], node.Stderr);
    }

    [Fact]
    public async Task A_bad_line_in_an_env_file_exits_2_naming_file_and_line()
    {
        Write("bad.env", "GOOD=1\nNOT A VARIABLE\n");

        using var node = ChorusProcess.StartFrom(_folder.FullName, NoChange, "chorus-node",
            "--aggregator", "127.0.0.1:4053", "--listen", "127.0.0.1:0", "--env-file", "bad.env", "--", "true");

        Assert.Equal(2, await node.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(["chorus: error: bad.env line 2: \"NOT A VARIABLE\" has no '='. Write KEY=value, e.g. \"PORT=8080\", or start the line with # to make it a comment."],
            node.Stderr);
    }

    [Fact]
    public async Task The_aggregator_given_env_files_but_no_procfile_exits_2_saying_they_would_set_nothing()
    {
        Write("vars.env", "A=1\n");

        using var aggregator = ChorusProcess.StartFrom(_folder.FullName, NoChange, "chorus-aggregator",
            "--listen", "127.0.0.1:0", "--http", "127.0.0.1:0", "--env-file", "vars.env");

        Assert.Equal(2, await aggregator.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(aggregator.Stderr, l => l.StartsWith("chorus: error: --env-file vars.env sets variables for the processes of --procfile"));
    }

    [Fact]
    public async Task Force_color_brings_colours_into_a_pipe_and_no_color_still_wins()
    {
        Write("Procfile", "say: echo coloured\n");
        using var forced = ChorusProcess.StartFrom(_folder.FullName, new Dictionary<string, string?> { ["NO_COLOR"] = null, ["FORCE_COLOR"] = "1" },
            "chorus-aggregator", "--listen", "127.0.0.1:0", "--http", "127.0.0.1:0", "--name", "n", "--procfile");
        using var plain = ChorusProcess.StartFrom(_folder.FullName, new Dictionary<string, string?> { ["FORCE_COLOR"] = "1" },
            "chorus-aggregator", "--listen", "127.0.0.1:0", "--http", "127.0.0.1:0", "--name", "n", "--procfile");

        Assert.Equal(0, await forced.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, await plain.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(forced.Stdout, l => l.Contains("coloured") && l.Contains('\u001b'));
        Assert.Contains(plain.Stdout, l => l.Contains("coloured") && !l.Contains('\u001b'));
    }

    private void Write(string name, string text) => File.WriteAllText(Path.Combine(_folder.FullName, name), text);

    public void Dispose() => _folder.Delete(recursive: true);
}
