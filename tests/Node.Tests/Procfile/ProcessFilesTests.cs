using Chorus.Hosting;
using Chorus.Node.Procfile;
using Chorus.Node.Spec;

namespace Chorus.Node.Tests.Procfile;

public sealed class ProcessFilesTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("chorus-process-files-");

    [Fact]
    public void The_env_beside_the_procfile_comes_first_then_each_env_file_in_order()
    {
        var procfile = Write("Procfile", "web: ./web\nworker: ./worker\n");
        Write(".env", "A=from-dotenv\nB=from-dotenv\nC=from-dotenv\n");
        var first = Write("first.env", "B=from-first\nC=from-first\n");
        var second = Write("second.env", "C=from-second\n");

        var entries = Entries("--procfile", procfile, "--env-file", first, "--env-file", second);

        var expected = new Dictionary<string, string> { ["A"] = "from-dotenv", ["B"] = "from-first", ["C"] = "from-second" };
        Assert.All(entries, e => Assert.Equal(expected, e.Environment));
    }

    [Fact]
    public void Without_a_env_beside_the_procfile_or_env_files_the_entries_set_nothing()
    {
        Assert.Empty(Assert.Single(Entries("--procfile", Write("Procfile", "web: ./web\n"))).Environment);
    }

    [Fact]
    public void Env_files_apply_to_a_command_given_after_the_separator()
    {
        var entry = Assert.Single(Entries("--env-file", Write("vars", "export TOKEN='s3cret'\n"), "--", "true"));

        Assert.Equal("s3cret", entry.Environment["TOKEN"]);
    }

    [Fact]
    public void A_bad_line_in_the_env_beside_the_procfile_names_that_file()
    {
        var procfile = Write("Procfile", "web: ./web\n");
        Write(".env", "OOPS\n");

        var e = Assert.Throws<UsageException>(() => Entries("--procfile", procfile));

        Assert.StartsWith($"{Path.Combine(_folder.FullName, ".env")} line 1:", e.Message);
    }

    [Fact]
    public void A_missing_env_file_is_a_usage_error()
    {
        var e = Assert.Throws<UsageException>(() => Entries("--env-file", Path.Combine(_folder.FullName, "absent"), "--", "true"));

        Assert.Contains("was not found", e.Message);
    }

    private IReadOnlyList<ProcessSpec> Entries(params string[] flags)
    {
        var parsed = NodeOptions.CreateCommand().Parse(["--aggregator", "127.0.0.1:4053", "--listen", "127.0.0.1:0", .. flags]);
        Assert.Empty(parsed.Errors);
        return NodeOptions.From(parsed).Processes;
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose() => _folder.Delete(recursive: true);
}
