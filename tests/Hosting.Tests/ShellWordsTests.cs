using System.Diagnostics;
using Chorus.Hosting;

namespace Chorus.Hosting.Tests;

public sealed class ShellWordsTests
{
    [Theory]
    [InlineData("uname", "-sr")]
    [InlineData("echo", "it's $HOME; `date` \"quoted\" \\ * ?")]
    [InlineData("printf", "%s|", "", "two words", "a'b'c")]
    public void Sh_sees_exactly_the_words_that_were_joined(params string[] words)
    {
        // printf one word per line, as /bin/sh -c splits the joined line: the words come back whole.
        var line = ShellWords.Join(["printf", "[%s]\\n", .. words.Skip(1)]);
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, ArgumentList = { "-c", line } };
        using var sh = Process.Start(start)!;
        var output = sh.StandardOutput.ReadToEnd();
        sh.WaitForExit();
        Assert.Equal(string.Concat(words.Skip(1).Select(w => $"[{w}]\n")), output);
    }

    [Fact]
    public void Plain_words_stay_bare() => Assert.Equal("uname -sr node:web-1 a/b.c", ShellWords.Join(["uname", "-sr", "node:web-1", "a/b.c"]));
}
