using System.Text;
using AsgiBridge.Server;
using CsCheck;
using Xunit.Abstractions;

namespace AsgiBridge.Tests.Fuzzing;

/// <summary>
/// Properties of the path decoder (issue 10.8) over generated raw paths built from the pieces of encoded-traversal
/// attacks: it never throws, never yields a <c>.</c> or <c>..</c> segment, keeps the literal prefix a request was routed
/// by, leaves clean paths alone, and inverts percent-encoding for paths without dot segments.
/// </summary>
public sealed class PathDecoderFuzzTests(ITestOutputHelper output)
{
    private static readonly string[] s_pieces =
    [
        "/", "/", "//", ".", "..", "%2e", "%2E", "%2e%2e", "%2f", "%2F", "%5c", "\\", "%00", "%c0%ae", "%e0%80%ae", "%25",
        "%252e", "%252f", "a", "b", "etc", "passwd", "%c3%a9", "é", "%", "%z", "%2", ";", "?", "%3f", "~", " ",
    ];

    private static readonly Gen<string> s_rawPath =
        Gen.OneOf(s_pieces).Array[0, 16].Select(parts => "/" + string.Concat(parts));

    private static bool HasDotSegment(string path) => path.Split('/').Any(segment => segment is "." or "..");

    private static string Decode(string raw) => AsgiPathDecoder.Decode(Encoding.UTF8.GetBytes(raw));

    [Fact]
    public void Decoding_never_throws_and_never_yields_a_dot_segment() =>
        s_rawPath.Sample(output, "no dot segment", raw =>
        {
            var decoded = Decode(raw);
            Assert.StartsWith("/", decoded, StringComparison.Ordinal);
            Assert.False(HasDotSegment(decoded), $"'{raw}' decoded to '{decoded}'");
        });

    [Fact]
    public void A_decoded_slash_never_climbs_out_of_the_segment_it_came_from() =>
        Gen.Select(Gen.OneOf("files", "static", "api", "a"), Gen.OneOf(s_pieces.Where(p => !p.Contains('/')).ToArray()).Array[0, 16])
            .Select((prefix, parts) => (Prefix: prefix, Segment: string.Concat(parts)))
            .Where(x => AsgiPathDecoder.DecodeEscapes(Encoding.UTF8.GetBytes(x.Segment)) is not ("." or ".."))
            .Sample(output, "segment containment", x =>
            {
                // Kestrel routed "/prefix/<segment>" by its literal segments; what %2F decodes to stays below the prefix.
                var raw = "/" + x.Prefix + "/" + x.Segment;
                var decoded = Decode(raw);
                Assert.True(decoded.StartsWith("/" + x.Prefix + "/", StringComparison.Ordinal), $"'{raw}' decoded to '{decoded}'");
            });

    [Fact]
    public void A_path_without_escapes_or_dots_is_returned_as_it_is() =>
        Gen.Char["abcXYZ019-_~/é"].Array[0, 24].Select(chars => "/" + new string(chars)).Sample(output, "clean identity", raw =>
            Assert.Equal(raw, Decode(raw)));

    [Fact]
    public void Percent_encoding_round_trips_for_paths_without_dot_segments() =>
        Gen.Char[(char)1, (char)0x2FF].Array[0, 20].Select(chars => "/" + new string(chars))
            .Where(path => !HasDotSegment(path) && !path.Contains('\uFFFD', StringComparison.Ordinal)
                && !path.Any(char.IsSurrogate))
            .Sample(output, "encode-decode round trip", path =>
            {
                // Every byte but the separator escaped, as a cautious client would: decoding gives the path back.
                var raw = new StringBuilder();
                foreach (var b in Encoding.UTF8.GetBytes(path))
                {
                    raw.Append(b == '/' ? "/" : "%" + b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
                }

                Assert.Equal(path, Decode(raw.ToString()));
            });

    [Fact]
    public void Decoding_twice_changes_nothing_more_than_decoding_once_for_escape_free_results() =>
        s_rawPath.Where(raw => !Decode(raw).Contains('%', StringComparison.Ordinal)).Sample(output, "idempotent", raw =>
        {
            var once = Decode(raw);
            Assert.Equal(once, Decode(once));
        });
}
