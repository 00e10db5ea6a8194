using System.Text;

namespace AsgiBridge.Server;

/// <summary>
/// Turns a raw request path into the ASGI <c>path</c>: every percent-escape decoded (<c>%2F</c> included, as uvicorn
/// does) and the bytes read as UTF-8 (invalid sequences become U+FFFD). The bridge and the test client share it.
/// </summary>
internal static class AsgiPathDecoder
{
    /// <summary>Decodes a raw path.</summary>
    /// <param name="raw">The path bytes as received, without the query.</param>
    /// <returns>The decoded path.</returns>
    public static string Decode(ReadOnlySpan<byte> raw)
    {
        if (raw.IndexOf((byte)'%') < 0)
        {
            return Encoding.UTF8.GetString(raw);
        }

        var bytes = new byte[raw.Length];
        var length = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] == '%' && i + 2 < raw.Length
                && char.IsAsciiHexDigit((char)raw[i + 1]) && char.IsAsciiHexDigit((char)raw[i + 2]))
            {
                bytes[length++] = (byte)((HexValue(raw[i + 1]) << 4) | HexValue(raw[i + 2]));
                i += 2;
            }
            else
            {
                bytes[length++] = raw[i];
            }
        }

        return Encoding.UTF8.GetString(bytes, 0, length);
    }

    private static int HexValue(byte c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
