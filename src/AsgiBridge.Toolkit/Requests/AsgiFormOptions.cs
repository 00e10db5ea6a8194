namespace AsgiBridge.Toolkit;

/// <summary>
/// Limits for <see cref="AsgiRequest.ReadFormAsync"/>. A form over a limit raises <see cref="AsgiBadRequestException"/>
/// with status 400, which <c>UseServerErrors</c> and the server answer as 400.
/// </summary>
public sealed class AsgiFormOptions
{
    /// <summary>The default options.</summary>
    public static AsgiFormOptions Default { get; } = new();

    /// <summary>File parts larger than this are streamed to a temporary file (default 1 MiB).</summary>
    public long MemoryThreshold { get; init; } = 1024 * 1024;

    /// <summary>The largest accepted file part (default 1 GiB).</summary>
    public long MaxFileSize { get; init; } = 1024L * 1024 * 1024;

    /// <summary>The largest accepted urlencoded form or text field (default 4 MiB).</summary>
    public long MaxFieldsSize { get; init; } = 4 * 1024 * 1024;

    /// <summary>The most fields and files accepted (default 1000).</summary>
    public int MaxParts { get; init; } = 1000;

    /// <summary>The folder for spilled files (default the system temporary folder).</summary>
    public string? TempDirectory { get; init; }
}
