using System.Globalization;
using AsgiBridge.Messages;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Net.Http.Headers;

namespace AsgiBridge.Toolkit;

/// <summary>
/// Sends a file: <c>content-type</c> from the extension, <c>content-length</c>, <c>last-modified</c>, <c>etag</c>,
/// <c>accept-ranges</c>; answers conditional requests with 304 and a single byte range with 206 (416 when unsatisfiable;
/// several ranges are answered with the whole file). Uses the server's <c>http.response.pathsend</c> extension for whole
/// files when advertised, otherwise streams the file in chunks.
/// <para>
/// <b>Trusted paths only.</b> The path is opened as given: never build it from request input (a path parameter, the query)
/// without a root. To serve a directory, mount <see cref="StaticFiles"/>; to send one file chosen by the request, pass the
/// directory as <c>root</c>, and a path that resolves outside it (through <c>..</c> or a symbolic link) or a missing file is
/// answered with 404 instead of being sent.
/// </para>
/// </summary>
public sealed class FileResponse : AsgiResponse
{
    private const int ChunkSize = 64 * 1024;
    private static readonly FileExtensionContentTypeProvider s_contentTypes = new();

    /// <summary>Creates the response.</summary>
    /// <param name="path">The file path.</param>
    /// <param name="mediaType">The media type; default guessed from the extension.</param>
    /// <param name="downloadName">When set, a <c>content-disposition: attachment</c> with this file name.</param>
    /// <param name="status">The status code (default 200).</param>
    /// <param name="root">
    /// When set, the directory the file must be in: the path is resolved (symbolic links followed) when the response is
    /// sent, and a file outside <paramref name="root"/>, or missing, gets 404. <see langword="null"/> (the default) for a
    /// trusted path, sent as it is (a missing file throws <see cref="FileNotFoundException"/>).
    /// </param>
    public FileResponse(string path, string? mediaType = null, string? downloadName = null, int status = 200, string? root = null)
        : base(status, mediaType ?? GuessMediaType(path))
    {
        FilePath = Path.GetFullPath(path ?? throw new ArgumentNullException(nameof(path)));
        Root = root is null ? null : FileContainment.RealRoot(root);
        if (downloadName is not null)
        {
            var disposition = new ContentDispositionHeaderValue("attachment");
            disposition.SetHttpFileName(downloadName);
            Headers.Add(new AsgiHeader("content-disposition", disposition.ToString()));
        }
    }

    /// <summary>The absolute file path.</summary>
    public string FilePath { get; }

    /// <summary>The directory the file must resolve into (absolute, links followed), or <see langword="null"/> for a trusted path.</summary>
    public string? Root { get; }

    /// <inheritdoc />
    protected override async Task SendAsync(AsgiScope scope, AsgiReceive receive, AsgiSend send)
    {
        var filePath = FilePath;
        if (Root is { } root)
        {
            var real = FileContainment.RealPath(filePath, root);
            if (real is null || !FileContainment.IsWithin(root, real) || !File.Exists(real))
            {
                await SendEmptyAsync(send, 404, [], []).ConfigureAwait(false);
                return;
            }

            filePath = real;
        }

        var file = new FileInfo(filePath);
        if (!file.Exists)
        {
            throw new FileNotFoundException("The file to send does not exist.", FilePath);
        }

        var lastModified = new DateTimeOffset(file.LastWriteTimeUtc.Ticks - (file.LastWriteTimeUtc.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        var etag = $"\"{lastModified.ToUnixTimeSeconds():x}-{file.Length:x}\"";

        // Built per execution (not added to Headers), so one response object can serve many requests.
        AsgiHeader[] metadata =
        [
            new("last-modified", HeaderUtilities.FormatDate(lastModified)),
            new("etag", etag),
            new("accept-ranges", "bytes"),
        ];

        var requestHeaders = (scope as ConnectionScope)?.Headers ?? [];
        var method = (scope as HttpScope)?.Method ?? "GET";
        // Conditional GET (RFC 9110 13.1) and ranges (14.2) are defined for GET; HEAD answers as GET would, without a body.
        var isGet = method is "GET" or "HEAD";
        if (isGet && NotModified(requestHeaders, etag, lastModified))
        {
            await SendEmptyAsync(send, 304, metadata, []).ConfigureAwait(false);
            return;
        }

        var range = requestHeaders.GetFirst("range");
        if (range is not null && isGet && Status == 200 && IfRangeHolds(requestHeaders, etag, lastModified))
        {
            switch (ByteRange.TryParse(range, file.Length, out var start, out var end))
            {
                case ByteRange.Result.Satisfiable:
                    var length = end - start + 1;
                    var headers = BuildHeaders(length);
                    headers.AddRange(metadata);
                    headers.Add(new AsgiHeader("content-range", $"bytes {start}-{end}/{file.Length}"));
                    await send(new HttpResponseStart(206, headers)).ConfigureAwait(false);
                    await StreamAsync(send, filePath, start, length, method).ConfigureAwait(false);
                    return;
                case ByteRange.Result.Unsatisfiable:
                    await SendEmptyAsync(send, 416, metadata, [new AsgiHeader("content-range", $"bytes */{file.Length}")]).ConfigureAwait(false);
                    return;
            }
        }

        var all = BuildHeaders(file.Length);
        all.AddRange(metadata);
        await send(new HttpResponseStart(Status, all)).ConfigureAwait(false);
        if (method != "HEAD" && scope.SupportsExtension(AsgiExtensionNames.PathSend))
        {
            await send(new HttpResponsePathSend(filePath)).ConfigureAwait(false);
            return;
        }

        await StreamAsync(send, filePath, 0, file.Length, method).ConfigureAwait(false);
    }

    private static string GuessMediaType(string path) =>
        s_contentTypes.TryGetContentType(path ?? string.Empty, out var type) ? type : "application/octet-stream";

    private static bool NotModified(IReadOnlyList<AsgiHeader> headers, string etag, DateTimeOffset lastModified)
    {
        var ifNoneMatch = headers.GetFirst("if-none-match");
        if (ifNoneMatch is not null)
        {
            foreach (var candidate in ifNoneMatch.Split(','))
            {
                var tag = candidate.Trim();
                if (tag == "*" || tag == etag || tag == "W/" + etag)
                {
                    return true;
                }
            }

            return false;
        }

        var ifModifiedSince = headers.GetFirst("if-modified-since");
        return ifModifiedSince is not null && HeaderUtilities.TryParseDate(ifModifiedSince, out var since) && lastModified <= since;
    }

    private static bool IfRangeHolds(IReadOnlyList<AsgiHeader> headers, string etag, DateTimeOffset lastModified)
    {
        var ifRange = headers.GetFirst("if-range");
        if (ifRange is null)
        {
            return true;
        }

        return ifRange == etag || (HeaderUtilities.TryParseDate(ifRange, out var date) && lastModified <= date);
    }

    private static async Task SendEmptyAsync(AsgiSend send, int status, AsgiHeader[] metadata, List<AsgiHeader> extra)
    {
        var headers = new List<AsgiHeader>(extra);
        headers.AddRange(metadata);
        if (status != 304)
        {
            headers.Add(new AsgiHeader("content-length", "0"));
        }

        await send(new HttpResponseStart(status, headers)).ConfigureAwait(false);
        await send(HttpResponseBody.Empty).ConfigureAwait(false);
    }

    private static async Task StreamAsync(AsgiSend send, string filePath, long start, long length, string method)
    {
        if (method == "HEAD" || length == 0)
        {
            await send(HttpResponseBody.Empty).ConfigureAwait(false);
            return;
        }

        var stream = new FileStream(filePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            stream.Position = start;
            var remaining = length;
            while (remaining > 0)
            {
                // A fresh array per chunk: a body message may outlive send() (middleware and test clients keep them),
                // so its bytes must never be overwritten. Servers that advertise pathsend avoid this path for whole files.
                var buffer = new byte[(int)Math.Min(ChunkSize, remaining)];
                var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false).ConfigureAwait(false);
                if (read < buffer.Length)
                {
                    throw new IOException($"The file '{filePath}' became shorter while it was being sent.");
                }

                remaining -= read;
                await send(new HttpResponseBody(buffer, moreBody: remaining > 0)).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Parses a single <c>bytes=</c> range.</summary>
    private static class ByteRange
    {
        public enum Result
        {
            Ignore,
            Satisfiable,
            Unsatisfiable,
        }

        public static Result TryParse(string header, long size, out long start, out long end)
        {
            start = end = 0;
            if (!header.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase) || header.Contains(',', StringComparison.Ordinal))
            {
                return Result.Ignore;
            }

            var spec = header[6..].Trim();
            var dash = spec.IndexOf('-', StringComparison.Ordinal);
            if (dash < 0)
            {
                return Result.Ignore;
            }

            var first = spec[..dash].Trim();
            var last = spec[(dash + 1)..].Trim();
            if (first.Length == 0)
            {
                if (!long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var suffix))
                {
                    return Result.Ignore;
                }

                if (suffix == 0 || size == 0)
                {
                    return Result.Unsatisfiable;
                }

                start = Math.Max(0, size - suffix);
                end = size - 1;
                return Result.Satisfiable;
            }

            if (!long.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out start))
            {
                return Result.Ignore;
            }

            if (last.Length == 0)
            {
                end = size - 1;
            }
            else if (!long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out end) || end < start)
            {
                return Result.Ignore;
            }

            if (start >= size)
            {
                return Result.Unsatisfiable;
            }

            end = Math.Min(end, size - 1);
            return Result.Satisfiable;
        }
    }
}
