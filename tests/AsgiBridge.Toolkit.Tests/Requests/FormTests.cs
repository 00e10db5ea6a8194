using System.Net.Http.Headers;
using System.Text;
using AsgiBridge.Messages;
using AsgiBridge.Toolkit;

namespace AsgiBridge.Toolkit.Tests.Requests;

public sealed class FormTests : IDisposable
{
    private readonly string _tempDirectory = Directory.CreateTempSubdirectory("asgi-form-tests-").FullName;

    public void Dispose() => Directory.Delete(_tempDirectory, recursive: true);

    /// <summary>Serializes real multipart content and feeds it to a request in small chunks.</summary>
    private static async Task<AsgiRequest> MultipartRequestAsync(MultipartFormDataContent content, int chunkSize = 700)
    {
        var bytes = await content.ReadAsByteArrayAsync();
        var contentType = content.Headers.ContentType!.ToString();
        var chunks = bytes.Chunk(chunkSize).Select((chunk, i) => (AsgiMessage)new HttpRequestBody(chunk, moreBody: (i + 1) * chunkSize < bytes.Length)).ToArray();
        var scope = Asgi.Http("/upload", "POST", headers: [("content-type", contentType)]);
        var side = await ApplicationSide.StartAsync(scope, chunks);
        return new AsgiRequest(scope, side.Receive);
    }

    private static ByteArrayContent FilePart(byte[] data, string mediaType)
    {
        var part = new ByteArrayContent(data);
        part.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return part;
    }

    private static byte[] Pattern(int length) => [.. Enumerable.Range(0, length).Select(i => (byte)(i * 7 % 251))];

    private static async Task<byte[]> ReadAllAsync(AsgiUploadedFile file)
    {
        await using var stream = file.OpenReadStream();
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    [Fact]
    public async Task Urlencoded_form_fields_are_decoded_and_multi_valued()
    {
        var scope = Asgi.Http("/", "POST", headers: [("content-type", "application/x-www-form-urlencoded; charset=utf-8")]);
        await using var connection = await ApplicationSide.StartAsync(scope,
            new HttpRequestBody("name=J%C3%BCrgen+M&tag=a&ta"u8.ToArray(), moreBody: true),
            new HttpRequestBody("g=b&empty="u8.ToArray()));
        var request = new AsgiRequest(scope, connection.Receive);

        await using var form = await request.ReadFormAsync();

        Assert.Equal("J\u00fcrgen M", form["name"]);
        Assert.Equal(new[] { "a", "b" }, form.Fields["tag"].Select(v => v ?? "<null>"));
        Assert.Equal(string.Empty, form["empty"]);
        Assert.Null(form["missing"]);
        Assert.Empty(form.Files);
    }

    [Fact]
    public async Task Form_can_be_read_after_the_body_was_buffered()
    {
        var scope = Asgi.Http("/", "POST", headers: [("content-type", "application/x-www-form-urlencoded")]);
        await using var connection = await ApplicationSide.StartAsync(scope, new HttpRequestBody("a=1"u8.ToArray()));
        var request = new AsgiRequest(scope, connection.Receive);
        await request.ReadBodyAsync();

        await using var form = await request.ReadFormAsync();

        Assert.Equal("1", form["a"]);
    }

    [Fact]
    public async Task Multipart_form_with_fields_and_files()
    {
        using var content = new MultipartFormDataContent("----asgi-boundary-42");
        content.Add(new StringContent("Grace Hopper"), "name");
        content.Add(new StringContent("x"), "tag");
        content.Add(new StringContent("y"), "tag");
        content.Add(FilePart("first file\r\nwith lines"u8.ToArray(), "text/plain"), "docs", "notes.txt");
        content.Add(FilePart(Pattern(5000), "application/octet-stream"), "docs", "blob.bin");
        var request = await MultipartRequestAsync(content);

        await using var form = await request.ReadFormAsync();

        Assert.Equal("Grace Hopper", form["name"]);
        Assert.Equal(new[] { "x", "y" }, form.Fields["tag"].Select(v => v ?? "<null>"));
        Assert.Equal(2, form.Files.Count);
        var notes = form.GetFile("docs")!;
        Assert.Equal("notes.txt", notes.FileName);
        Assert.Equal("docs", notes.Name);
        Assert.Equal("text/plain", notes.ContentType);
        Assert.Equal("first file\r\nwith lines", Encoding.UTF8.GetString(await ReadAllAsync(notes)));
        Assert.False(notes.IsOnDisk);
        var blob = form.Files[1];
        Assert.Equal("blob.bin", blob.FileName);
        Assert.Equal(5000, blob.Length);
        Assert.Equal(Pattern(5000), await ReadAllAsync(blob));
    }

    [Fact]
    public async Task File_above_the_memory_threshold_is_spilled_to_disk_and_deleted_on_dispose()
    {
        using var content = new MultipartFormDataContent();
        content.Add(FilePart(Pattern(300_000), "application/octet-stream"), "big", "big.bin");
        content.Add(FilePart(Pattern(100), "application/octet-stream"), "small", "small.bin");
        var request = await MultipartRequestAsync(content, chunkSize: 16 * 1024);
        var options = new AsgiFormOptions { MemoryThreshold = 64 * 1024, TempDirectory = _tempDirectory };

        var form = await request.ReadFormAsync(options);
        var big = form.GetFile("big")!;
        var small = form.GetFile("small")!;

        Assert.True(big.IsOnDisk);
        Assert.False(small.IsOnDisk);
        Assert.Equal(300_000, big.Length);
        Assert.Equal(Pattern(300_000), await ReadAllAsync(big));
        Assert.Equal(Pattern(100), await ReadAllAsync(small));
        var spilled = Assert.Single(Directory.GetFiles(_tempDirectory));
        Assert.Equal(300_000, new FileInfo(spilled).Length);

        var saved = Path.Combine(_tempDirectory, "saved.bin");
        await big.SaveAsAsync(saved);
        Assert.Equal(Pattern(300_000), await File.ReadAllBytesAsync(saved));
        File.Delete(saved);

        await form.DisposeAsync();
        Assert.Empty(Directory.GetFiles(_tempDirectory));
    }

    [Fact]
    public async Task File_over_MaxFileSize_is_a_400_bad_request_and_leaves_no_temp_file()
    {
        using var content = new MultipartFormDataContent();
        content.Add(FilePart(Pattern(10), "application/octet-stream"), "ok", "ok.bin");
        content.Add(FilePart(Pattern(200_000), "application/octet-stream"), "huge", "huge.bin");
        var request = await MultipartRequestAsync(content, chunkSize: 8192);
        var options = new AsgiFormOptions { MemoryThreshold = 1024, MaxFileSize = 100_000, TempDirectory = _tempDirectory };

        var error = await Assert.ThrowsAsync<AsgiBadRequestException>(() => request.ReadFormAsync(options));

        Assert.Equal(400, error.StatusCode);
        Assert.IsType<InvalidDataException>(error.InnerException);
        Assert.Contains("huge.bin", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_tempDirectory));
    }

    [Fact]
    public async Task Too_many_parts_or_too_large_fields_are_400_bad_requests()
    {
        using var many = new MultipartFormDataContent();
        for (var i = 0; i < 5; i++)
        {
            many.Add(new StringContent("v"), "f" + i);
        }

        await Assert.ThrowsAsync<AsgiBadRequestException>(async () => await (await MultipartRequestAsync(many)).ReadFormAsync(new AsgiFormOptions { MaxParts = 4 }));

        using var large = new MultipartFormDataContent();
        large.Add(new StringContent(new string('z', 5000)), "essay");
        await Assert.ThrowsAsync<AsgiBadRequestException>(async () => await (await MultipartRequestAsync(large)).ReadFormAsync(new AsgiFormOptions { MaxFieldsSize = 1000 }));
    }

    [Fact]
    public async Task Oversized_text_field_is_rejected_without_reading_it_whole()
    {
        using var content = new MultipartFormDataContent();
        content.Add(new StringContent(new string('z', 200_000)), "essay");
        var bytes = await content.ReadAsByteArrayAsync();
        var chunks = bytes.Chunk(1000).Select((chunk, i) => (AsgiMessage)new HttpRequestBody(chunk, moreBody: (i + 1) * 1000 < bytes.Length)).ToArray();
        var scope = Asgi.Http("/", "POST", headers: [("content-type", content.Headers.ContentType!.ToString())]);
        await using var connection = await ApplicationSide.StartAsync(scope, chunks);
        var request = new AsgiRequest(scope, connection.Receive);

        await Assert.ThrowsAsync<AsgiBadRequestException>(() => request.ReadFormAsync(new AsgiFormOptions { MaxFieldsSize = 2000 }));

        Assert.True(connection.Communicator.ReceiveCount < chunks.Length / 4, $"read {connection.Communicator.ReceiveCount} of {chunks.Length} chunks");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("application/json")]
    [InlineData("multipart/form-data")]
    public async Task Body_that_is_not_a_form_is_a_400_bad_request(string? contentType)
    {
        var headers = contentType is null ? Array.Empty<(string, string)>() : [("content-type", contentType)];
        var scope = Asgi.Http("/", "POST", headers: headers);
        await using var connection = await ApplicationSide.StartAsync(scope, new HttpRequestBody("{}"u8.ToArray()));
        var request = new AsgiRequest(scope, connection.Receive);

        await Assert.ThrowsAsync<AsgiBadRequestException>(() => request.ReadFormAsync());
    }
}
