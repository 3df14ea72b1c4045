using Chorus.Hosting;
using Chorus.Node.Procfile;

namespace Chorus.Node.Tests.Procfile;

public sealed class EnvFileTests
{
    [Theory]
    [InlineData("KEY=value", "value")]
    [InlineData("KEY=", "")]
    [InlineData("KEY = value", "value")]
    [InlineData("  KEY=value  \t", "value")]
    [InlineData("KEY=two words", "two words")]
    [InlineData("KEY=a=b=c", "a=b=c")]
    [InlineData("KEY=http://host/page#part", "http://host/page#part")]
    [InlineData("KEY=value # a comment", "value")]
    [InlineData("KEY='single # quoted'", "single # quoted")]
    [InlineData("KEY='no \\n escapes in single quotes'", "no \\n escapes in single quotes")]
    [InlineData("KEY='it has \"double\" quotes'", "it has \"double\" quotes")]
    [InlineData("KEY=\"line one\\nline two\"", "line one\nline two")]
    [InlineData("KEY=\"carriage\\rreturn\"", "carriage\rreturn")]
    [InlineData("KEY=\"escaped \\\" quote and \\\\ backslash\"", "escaped \" quote and \\ backslash")]
    [InlineData("KEY=\"other \\x escapes keep the character\"", "other x escapes keep the character")]
    [InlineData("KEY=\"  spaces kept  \"", "  spaces kept  ")]
    [InlineData("KEY=\"quoted\"   # then a comment", "quoted")]
    [InlineData("KEY=''", "")]
    [InlineData("KEY=\"\"", "")]
    [InlineData("KEY=$HOME", "$HOME")]
    [InlineData("export KEY=value", "value")]
    [InlineData("export   KEY='quoted'", "quoted")]
    public void A_line_sets_its_key_to_the_value_as_foreman_reads_it(string line, string expected)
    {
        Assert.Equal(expected, EnvFile.Parse(line, ".env")["KEY"]);
    }

    [Fact]
    public void Comments_and_blank_lines_are_skipped_crlf_is_read_and_a_repeated_key_keeps_its_last_value()
    {
        var variables = EnvFile.Parse("# settings\r\n\r\n  # indented\r\nA=1\r\nexport_B=2\r\nA=3\r\n_C9=4\n", ".env");

        Assert.Equal(new Dictionary<string, string> { ["A"] = "3", ["export_B"] = "2", ["_C9"] = "4" }, variables);
    }

    [Fact]
    public void An_empty_file_sets_nothing()
    {
        Assert.Empty(EnvFile.Parse("", ".env"));
    }

    [Theory]
    [InlineData("JUSTAWORD", "has no '='", "Write KEY=value")]
    [InlineData("=value", "is not a variable name", "Use letters, digits and '_'")]
    [InlineData("1KEY=value", "is not a variable name", "not starting with a digit")]
    [InlineData("MY-KEY=value", "is not a variable name", "Use letters")]
    [InlineData("KEY=\"open", "has no closing \"", "write \\n for a line break")]
    [InlineData("KEY='open", "has no closing '", "Close the quotes")]
    [InlineData("KEY=\"a\"b", "has \"b\" after the closing \"", "Put the whole value inside the quotes")]
    public void A_line_it_cannot_read_is_an_error_naming_file_line_and_fix(string line, string problem, string fix)
    {
        var e = Assert.Throws<UsageException>(() => EnvFile.Parse($"# first\nGOOD=1\n{line}\n", "deploy/.env"));

        Assert.StartsWith($"deploy/.env line 3: \"{line}\" has ", e.Message);
        Assert.Contains(problem, e.Message);
        Assert.Contains(fix, e.Message);
    }

    [Fact]
    public void A_missing_file_is_an_error_naming_it()
    {
        var e = Assert.Throws<UsageException>(() => EnvFile.Load("/nonexistent/.env"));

        Assert.Contains("\"/nonexistent/.env\" was not found", e.Message);
    }

    [Fact]
    public void A_directory_is_an_error_saying_so()
    {
        var folder = Directory.CreateTempSubdirectory("chorus-env-");
        try
        {
            var e = Assert.Throws<UsageException>(() => EnvFile.Load(folder.FullName));

            Assert.Equal($"Environment file \"{folder.FullName}\" is a directory. Give a file of KEY=value lines, e.g. --env-file {Path.Combine(folder.FullName, ".env")}.", e.Message);
        }
        finally
        {
            folder.Delete();
        }
    }
}
