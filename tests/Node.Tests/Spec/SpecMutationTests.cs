using Chorus.Hosting;
using Chorus.Node.Spec;
using Chorus.Tests.Support;

namespace Chorus.Node.Tests.Spec;

/// <summary>
/// Typos in a real spec (a character dropped, added or changed, a few times over) end in a refusal or a spec, never
/// in a hang or a stack trace: Akka's HOCON parser never returns on some of them (an unknown token or a '=' in a list).
/// </summary>
public sealed class SpecMutationTests
{
    private const string Alphabet = "{}[]\",:=\n #/$.\\@?!ax1";

    [Fact]
    public async Task Every_mutation_of_the_example_specs_is_read_or_refused_promptly()
    {
        var examples = Path.Combine(Executables.RepositoryRoot, "examples");
        var original = File.ReadAllText(Path.Combine(examples, "n2.conf")) + File.ReadAllText(Path.Combine(examples, "n1.conf"));
        var random = new Random(11);
        for (var round = 0; round < 600; round++)
        {
            var text = Mutate(original, random);
            var read = Task.Run(() =>
            {
                try
                {
                    SpecFile.Parse(text, "s.conf", examples, new Dictionary<string, string>());
                }
                catch (UsageException)
                {
                    // A refusal is an answer; anything else fails the test with its stack trace.
                }
            });
            var first = await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(10)));
            Assert.True(first == read, $"No answer within 10 s for:\n{text}");
            await read;
        }
    }

    private static string Mutate(string text, Random random)
    {
        var chars = text.ToList();
        for (var edits = random.Next(1, 4); edits > 0; edits--)
        {
            var at = random.Next(chars.Count);
            var c = Alphabet[random.Next(Alphabet.Length)];
            switch (random.Next(3))
            {
                case 0: chars.RemoveAt(at); break;
                case 1: chars.Insert(at, c); break;
                default: chars[at] = c; break;
            }
        }
        return new string(chars.ToArray());
    }
}
