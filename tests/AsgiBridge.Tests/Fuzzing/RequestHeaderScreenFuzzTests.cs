using AsgiBridge.Hosting;
using CsCheck;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Xunit.Abstractions;

namespace AsgiBridge.Tests.Fuzzing;

/// <summary>
/// The request-header screen under generated input: its vectorised scans agree with the rule written out character by
/// character (a name is a non-empty token; a value holds no C0 control but tab and no DEL; at most the limit of values),
/// for names and values that mix tokens, tabs, every control character and text beyond Latin-1.
/// </summary>
public sealed class RequestHeaderScreenFuzzTests(ITestOutputHelper output)
{
    private const string TokenChars = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private const int MaxValues = 3;

    private static readonly Gen<string> s_name = Gen.Frequency<string>(
        (8, Gen.Char[TokenChars].Array[1, 12].Select(c => new string(c))),
        (2, Gen.Char[(char)0, (char)0x17F].Array[1, 6].Select(c => new string(c))));

    // Long values too, so the vectorised paths (16 and 32 characters at a time) and their tails are both exercised.
    private static readonly Gen<string> s_value = Gen.Frequency<string>(
        (6, Gen.Char[(char)0x20, (char)0x7E].Array[0, 70].Select(c => new string(c))),
        (2, Gen.Char["\t abc"].Array[0, 40].Select(c => new string(c))),
        (3, Gen.Char[(char)0, (char)0x2FF].Array[0, 40].Select(c => new string(c))));

    private static readonly Gen<(string Name, string[] Values)[]> s_headers =
        Gen.Select(s_name, s_value.Array[1, 5]).Array[0, 6];

    private static bool ValueAllowed(string value) => value.All(c => c == '\t' || (c >= 0x20 && c != 0x7F));

    [Fact]
    public void The_screen_agrees_with_the_rule_written_out() =>
        s_headers.Sample(output, "request headers", generated =>
        {
            var headers = new HeaderDictionary();
            foreach (var (name, values) in generated)
            {
                headers[name] = new StringValues(values);   // a repeated name replaces the earlier one, as the rule sees it
            }

            int? expected = null;
            foreach (var (name, values) in headers)
            {
                if (values.Count > MaxValues)
                {
                    expected = StatusCodes.Status431RequestHeaderFieldsTooLarge;
                    break;
                }

                if (!name.All(c => TokenChars.Contains(c, StringComparison.Ordinal)) || !values.All(v => ValueAllowed(v!)))
                {
                    expected = StatusCodes.Status400BadRequest;
                    break;
                }
            }

            Assert.Equal(expected, RequestHeaderScreen.Reject(headers, MaxValues));
        });

    [Fact]
    public void A_value_is_refused_exactly_when_it_holds_a_control_character_other_than_tab() =>
        s_value.Sample(output, "values", value => Assert.Equal(!ValueAllowed(value), RequestHeaderScreen.HasControlCharacter(value)));
}
