using Chorus.Node.Procfile;

namespace Chorus.Node.Tests.Procfile;

public sealed class ProcfileLoadTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("chorus-procfile-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Load_parses_the_file()
    {
        var path = Path.Combine(_directory, "Procfile");
        File.WriteAllText(path, "web: ./web\r\nworker: ./worker\r\n");

        var entries = ProcfileParser.Load(path);

        Assert.Equal(
            [new ProcfileEntry("web", "./web", 1), new ProcfileEntry("worker", "./worker", 2)],
            entries);
    }

    [Fact]
    public void Errors_in_a_loaded_file_name_the_path_as_given()
    {
        var path = Path.Combine(_directory, "Procfile");
        File.WriteAllText(path, "web: ./web\nweb: ./other\n");

        var error = Assert.Throws<ProcfileException>(() => ProcfileParser.Load(path));

        Assert.Equal($"{path} line 2: \"web\" is already defined on line 1. Give each process its own name.", error.Message);
    }

    [Fact]
    public void Missing_file_is_an_error_that_says_how_to_pass_one()
    {
        var error = Assert.Throws<ProcfileException>(() => ProcfileParser.Load("x"));

        Assert.Equal("Procfile \"x\" was not found. Pass an existing file with --procfile, e.g. examples/Procfile.", error.Message);
    }

    [Fact]
    public void File_in_a_missing_directory_is_not_found()
    {
        var path = Path.Combine(_directory, "nowhere", "Procfile");

        var error = Assert.Throws<ProcfileException>(() => ProcfileParser.Load(path));

        Assert.StartsWith($"Procfile \"{path}\" was not found.", error.Message);
    }

    [Fact]
    public void Empty_path_is_not_found()
    {
        var error = Assert.Throws<ProcfileException>(() => ProcfileParser.Load(""));

        Assert.StartsWith("Procfile \"\" was not found.", error.Message);
    }

    [Fact]
    public void Directory_is_an_error_that_suggests_the_file_inside()
    {
        var error = Assert.Throws<ProcfileException>(() => ProcfileParser.Load(_directory));

        Assert.Equal(
            $"Procfile \"{_directory}\" is a directory. Pass the file itself with --procfile, e.g. {_directory}/Procfile.",
            error.Message);
    }

    [Fact]
    public void Unreadable_file_is_an_error_with_the_reason()
    {
        // A name longer than any file system allows: the system refuses to open it, even for root.
        var path = Path.Combine(_directory, new string('p', 300));

        var error = Assert.Throws<ProcfileException>(() => ProcfileParser.Load(path));

        Assert.StartsWith($"Procfile \"{path}\" could not be read: ", error.Message);
        Assert.EndsWith("Check that the file exists and is readable.", error.Message);
    }
}
