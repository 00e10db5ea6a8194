namespace AsgiBridge.Benchmarks.Apps;

/// <summary>The bytes every benchmark workload answers with, shared by the raw and the ASGI variants.</summary>
public static class BenchPayloads
{
    /// <summary>Path of the hello workload.</summary>
    public const string HelloPath = "/";

    /// <summary>Path of the 64 KiB response workload.</summary>
    public const string BigPath = "/64k";

    /// <summary>Path of the buffered POST echo workload.</summary>
    public const string EchoPath = "/echo";

    /// <summary>Content type of the hello response.</summary>
    public const string TextPlain = "text/plain";

    /// <summary>Content type of the 64 KiB and echo responses.</summary>
    public const string OctetStream = "application/octet-stream";

    /// <summary>Size of the large response.</summary>
    public const int BigSize = 64 * 1024;

    /// <summary>Size of the echo request body the load generators send.</summary>
    public const int EchoSize = 16 * 1024;

    /// <summary>The 13-byte hello body.</summary>
    public static ReadOnlyMemory<byte> Hello { get; } = "Hello, world!"u8.ToArray();

    /// <summary>The 65,536-byte body of <c>/64k</c>: a repeating printable pattern.</summary>
    public static ReadOnlyMemory<byte> Big { get; } = CreateBig();

    private static byte[] CreateBig()
    {
        var bytes = new byte[BigSize];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)('a' + (i % 26));
        }

        return bytes;
    }
}
