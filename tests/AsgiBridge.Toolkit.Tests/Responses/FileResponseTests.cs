using System.Text;
using AsgiBridge.Messages;
using AsgiBridge.Toolkit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Net.Http.Headers;
using AsgiBridge.TestInfrastructure.Kestrel;

namespace AsgiBridge.Toolkit.Tests.Responses;

public sealed class FileResponseTests : IDisposable
{
    private static readonly IReadOnlyDictionary<string, object?> s_pathSend = new Dictionary<string, object?>
    {
        [AsgiExtensionNames.PathSend] = new Dictionary<string, object?>(),
    };

    private readonly string _directory = Directory.CreateTempSubdirectory("asgi-file-tests-").FullName;
    private readonly string _file;
    private readonly byte[] _content;

    public FileResponseTests()
    {
        _content = [.. Enumerable.Range(0, 1000).Select(i => (byte)('a' + (i % 26)))];
        _file = Path.Combine(_directory, "letters.txt");
        File.WriteAllBytes(_file, _content);
        File.SetLastWriteTimeUtc(_file, new DateTime(2024, 5, 6, 7, 8, 9, 500, DateTimeKind.Utc));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static Task<CapturedResponse> Run(FileResponse response, string method = "GET", bool pathSend = false, params (string, string)[] headers)
    {
        var scope = Asgi.Http("/file", method, headers: headers);
        if (pathSend)
        {
            scope.Extensions = s_pathSend;
        }

        return Asgi.RunHttpAsync(response.ToApp(), scope);
    }

    private byte[] Slice(int start, int endInclusive) => _content[start..(endInclusive + 1)];

    [Fact]
    public async Task Streams_the_whole_file_with_metadata_headers_when_pathsend_is_not_advertised()
    {
        var response = await Run(new FileResponse(_file));

        Assert.Equal(200, response.Status);
        Assert.Equal("text/plain; charset=utf-8", response.Header("content-type"));
        Assert.Equal("1000", response.Header("content-length"));
        Assert.Equal("Mon, 06 May 2024 07:08:09 GMT", response.Header("last-modified"));
        Assert.Equal($"\"{new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero).ToUnixTimeSeconds():x}-{1000:x}\"", response.Header("etag"));
        Assert.Equal("bytes", response.Header("accept-ranges"));
        Assert.Null(response.PathSent);
        Assert.Equal(_content, response.Body);
        Assert.True(response.Complete);
    }

    [Fact]
    public async Task Uses_pathsend_when_the_server_advertises_it()
    {
        var scope = Asgi.Http("/file");
        scope.Extensions = s_pathSend;

        var sent = await Asgi.RunAsync(new FileResponse(_file).ExecuteAsync, scope, HttpRequestBody.Empty);

        Assert.Equal(2, sent.Count);
        Assert.Equal("1000", Assert.IsType<HttpResponseStart>(sent[0]).Headers.GetFirst("content-length"));
        Assert.Equal(Path.GetFullPath(_file), Assert.IsType<HttpResponsePathSend>(sent[1]).Path);
    }

    [Fact]
    public async Task Large_file_is_streamed_in_several_chunks()
    {
        var big = Path.Combine(_directory, "big.bin");
        var data = new byte[200_000];
        new Random(5).NextBytes(data);
        await File.WriteAllBytesAsync(big, data);
        var sent = await Asgi.RunAsync(new FileResponse(big).ExecuteAsync, Asgi.Http("/"), HttpRequestBody.Empty);

        var bodies = sent.OfType<HttpResponseBody>().ToList();
        Assert.True(bodies.Count >= 4, $"{bodies.Count} chunks");
        Assert.All(bodies[..^1], b => Assert.True(b.MoreBody));
        Assert.False(bodies[^1].MoreBody);
        var response = CapturedResponse.From(sent);
        Assert.Equal(data, response.Body);
        Assert.Equal("application/octet-stream", response.Header("content-type"));
    }

    [Theory]
    [InlineData("data.json", "application/json")]
    [InlineData("image.png", "image/png")]
    [InlineData("page.html", "text/html; charset=utf-8")]
    [InlineData("archive.unknownext", "application/octet-stream")]
    public async Task Content_type_is_guessed_from_the_extension(string name, string expected)
    {
        var path = Path.Combine(_directory, name);
        await File.WriteAllTextAsync(path, "x");

        Assert.Equal(expected, (await Run(new FileResponse(path))).Header("content-type"));
    }

    [Fact]
    public async Task Explicit_media_type_and_download_name()
    {
        var response = await Run(new FileResponse(_file, "application/x-letters", downloadName: "r\u00e9sum\u00e9 2024.txt"));

        Assert.Equal("application/x-letters", response.Header("content-type"));
        var disposition = ContentDispositionHeaderValue.Parse(response.Header("content-disposition"));
        Assert.Equal("attachment", disposition.DispositionType.Value);
        Assert.Equal("r\u00e9sum\u00e9 2024.txt", disposition.FileNameStar.Value);
    }

    [Fact]
    public async Task Head_sends_the_headers_without_a_body_or_pathsend()
    {
        var response = await Run(new FileResponse(_file), "HEAD", pathSend: true);

        Assert.Equal(200, response.Status);
        Assert.Equal("1000", response.Header("content-length"));
        Assert.Null(response.PathSent);
        Assert.Empty(response.Body);
        Assert.True(response.Complete);
    }

    [Fact]
    public async Task If_none_match_with_the_etag_gives_304()
    {
        var etag = (await Run(new FileResponse(_file))).Header("etag")!;

        var response = await Run(new FileResponse(_file), headers: ("if-none-match", $"\"other\", {etag}"));
        var weak = await Run(new FileResponse(_file), headers: ("if-none-match", "W/" + etag));
        var mismatch = await Run(new FileResponse(_file), headers: ("if-none-match", "\"other\""));

        Assert.Equal(304, response.Status);
        Assert.Empty(response.Body);
        Assert.Equal(etag, response.Header("etag"));
        Assert.Null(response.Header("content-length"));
        Assert.Equal(304, weak.Status);
        Assert.Equal(200, mismatch.Status);
    }

    [Fact]
    public async Task If_modified_since_gives_304_unless_the_file_is_newer()
    {
        var notModified = await Run(new FileResponse(_file), headers: ("if-modified-since", "Mon, 06 May 2024 07:08:09 GMT"));
        var later = await Run(new FileResponse(_file), headers: ("if-modified-since", "Tue, 07 May 2024 00:00:00 GMT"));
        var modified = await Run(new FileResponse(_file), headers: ("if-modified-since", "Sun, 05 May 2024 00:00:00 GMT"));

        Assert.Equal(304, notModified.Status);
        Assert.Equal(304, later.Status);
        Assert.Equal(200, modified.Status);
        Assert.Equal(_content, modified.Body);
    }

    [Fact]
    public async Task Single_range_gives_206_with_content_range()
    {
        var response = await Run(new FileResponse(_file), headers: ("range", "bytes=10-19"));

        Assert.Equal(206, response.Status);
        Assert.Equal("bytes 10-19/1000", response.Header("content-range"));
        Assert.Equal("10", response.Header("content-length"));
        Assert.Equal(Slice(10, 19), response.Body);
    }

    [Fact]
    public async Task Suffix_range_gives_the_last_bytes()
    {
        var response = await Run(new FileResponse(_file), headers: ("range", "bytes=-100"));

        Assert.Equal(206, response.Status);
        Assert.Equal("bytes 900-999/1000", response.Header("content-range"));
        Assert.Equal(Slice(900, 999), response.Body);
    }

    [Fact]
    public async Task Open_range_and_range_past_the_end_are_clamped()
    {
        var open = await Run(new FileResponse(_file), headers: ("range", "bytes=990-"));
        var clamped = await Run(new FileResponse(_file), headers: ("range", "bytes=995-5000"));

        Assert.Equal("bytes 990-999/1000", open.Header("content-range"));
        Assert.Equal(Slice(990, 999), open.Body);
        Assert.Equal("bytes 995-999/1000", clamped.Header("content-range"));
        Assert.Equal("5", clamped.Header("content-length"));
    }

    [Fact]
    public async Task Unsatisfiable_range_gives_416()
    {
        var response = await Run(new FileResponse(_file), headers: ("range", "bytes=1000-"));

        Assert.Equal(416, response.Status);
        Assert.Equal("bytes */1000", response.Header("content-range"));
        Assert.Empty(response.Body);
    }

    [Theory]
    [InlineData("bytes=0-1,5-6")]
    [InlineData("bytes=9-3")]
    [InlineData("items=0-5")]
    public async Task Multiple_or_invalid_ranges_give_the_whole_file(string range)
    {
        var response = await Run(new FileResponse(_file), headers: ("range", range));

        Assert.Equal(200, response.Status);
        Assert.Equal(_content, response.Body);
        Assert.Null(response.Header("content-range"));
    }

    [Fact]
    public async Task If_range_matching_gives_206_and_stale_gives_the_whole_file()
    {
        var etag = (await Run(new FileResponse(_file))).Header("etag")!;

        var matching = await Run(new FileResponse(_file), headers: [("range", "bytes=0-4"), ("if-range", etag)]);
        var stale = await Run(new FileResponse(_file), headers: [("range", "bytes=0-4"), ("if-range", "\"old\"")]);
        var byDate = await Run(new FileResponse(_file), headers: [("range", "bytes=0-4"), ("if-range", "Mon, 06 May 2024 07:08:09 GMT")]);

        Assert.Equal(206, matching.Status);
        Assert.Equal(Slice(0, 4), matching.Body);
        Assert.Equal(200, stale.Status);
        Assert.Equal(_content, stale.Body);
        Assert.Equal(206, byDate.Status);
    }

    [Fact]
    public async Task Conditions_and_ranges_apply_to_GET_and_HEAD_only()
    {
        var etag = (await Run(new FileResponse(_file))).Header("etag")!;

        var conditional = await Run(new FileResponse(_file), "POST", headers: ("if-none-match", etag));
        var ranged = await Run(new FileResponse(_file), "POST", headers: ("range", "bytes=0-4"));

        Assert.Equal(200, conditional.Status);
        Assert.Equal(_content, conditional.Body);
        Assert.Equal(200, ranged.Status);
        Assert.Equal(_content, ranged.Body);
    }

    [Fact]
    public async Task Range_is_streamed_even_when_pathsend_is_advertised()
    {
        var response = await Run(new FileResponse(_file), pathSend: true, headers: ("range", "bytes=0-2"));

        Assert.Equal(206, response.Status);
        Assert.Null(response.PathSent);
        Assert.Equal("abc", Encoding.ASCII.GetString(response.Body));
    }

    [Fact]
    public async Task Head_with_range_sends_206_headers_without_a_body()
    {
        var response = await Run(new FileResponse(_file), "HEAD", headers: ("range", "bytes=0-9"));

        Assert.Equal(206, response.Status);
        Assert.Equal("10", response.Header("content-length"));
        Assert.Empty(response.Body);
    }

    [Fact]
    public async Task The_same_response_can_serve_several_requests_without_repeating_headers()
    {
        var shared = new FileResponse(_file);

        await Run(shared);
        var second = await Run(shared);

        Assert.Single(second.HeaderValues("etag"));
        Assert.Single(second.HeaderValues("last-modified"));
        Assert.Single(second.HeaderValues("accept-ranges"));
        Assert.Single(second.HeaderValues("content-length"));
    }

    [Fact]
    public async Task Through_Kestrel_the_file_goes_out_by_pathsend_and_ranges_are_streamed()
    {
        await using var host = await KestrelTestHost.StartAsync((scope, receive, send) =>
        {
            Assert.True(scope.SupportsExtension(AsgiExtensionNames.PathSend));
            return new FileResponse(_file).ExecuteAsync(scope, receive, send);
        }, KestrelTestHost.LifespanOff);
        var client = host.CreateClient(KestrelProtocol.Http1);

        using var whole = await client.GetAsync("/letters.txt");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/letters.txt");
        request.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(100, 109);
        using var part = await client.SendAsync(request);

        Assert.Equal(System.Net.HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal(1000, whole.Content.Headers.ContentLength);
        Assert.Equal(_content, await whole.Content.ReadAsByteArrayAsync());
        Assert.Equal(System.Net.HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal("bytes 100-109/1000", part.Content.Headers.ContentRange!.ToString());
        Assert.Equal(Slice(100, 109), await part.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Missing_file_throws_FileNotFoundException()
    {
        var missing = new FileResponse(Path.Combine(_directory, "missing.txt"));

        await Assert.ThrowsAsync<FileNotFoundException>(() => Run(missing));
    }
}
