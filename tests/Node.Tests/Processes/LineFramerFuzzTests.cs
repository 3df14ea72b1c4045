using System.Text.Unicode;
using Chorus.Node.Processes;

namespace Chorus.Node.Tests.Processes;

/// <summary>A child's output is hostile input too: random bytes, cut at random places, never break the framer.</summary>
public sealed class LineFramerFuzzTests
{
    [Fact]
    public void Random_bytes_at_random_chunk_boundaries_come_out_as_bounded_valid_utf8_pieces_without_loss_of_newlines()
    {
        var random = new Random(20261125);
        for (var round = 0; round < 300; round++)
        {
            var limit = random.Next(4, 300); // 4: the longest UTF-8 code point, the least the framer accepts
            var input = new byte[random.Next(0, 4000)];
            random.NextBytes(input);
            // Newlines and CRs more often than chance, so short lines and CRLF splits are common.
            for (var i = 0; i < input.Length; i += random.Next(1, 80)) input[i] = random.Next(3) == 0 ? (byte)'\r' : (byte)'\n';

            var framer = new LineFramer(limit);
            var lines = new List<FramedLine>();
            var offset = 0;
            while (offset < input.Length)
            {
                var size = Math.Min(random.Next(1, 64), input.Length - offset);
                lines.AddRange(framer.Feed(input.AsSpan(offset, size)));
                offset += size;
            }
            lines.AddRange(framer.Finish());

            var complete = lines.Count(l => !l.Continued);
            Assert.Equal(input.Count(b => b == '\n') + (EndsUnterminated(input) ? 1 : 0), complete);
            Assert.All(lines, l =>
            {
                Assert.InRange(l.Text.Length, 0, limit);
                Assert.True(Utf8.IsValid(l.Text.Span), "every piece is valid UTF-8");
            });
        }
    }

    private static bool EndsUnterminated(byte[] input) => input.Length > 0 && input[^1] != '\n';
}
