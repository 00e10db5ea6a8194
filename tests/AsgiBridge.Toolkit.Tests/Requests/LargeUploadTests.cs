using System.Net;
using System.Net.Http.Headers;
using AsgiBridge.Messages;
using AsgiBridge.Toolkit;
using Microsoft.AspNetCore.Builder;
using Xunit.Abstractions;
using AsgiBridge.TestInfrastructure.Kestrel;

namespace AsgiBridge.Toolkit.Tests.Requests;

[CollectionDefinition(nameof(MemoryMeasurementGroup), DisableParallelization = true)]
public sealed class MemoryMeasurementGroup;

/// <summary>Runs alone (no parallel tests) so process-wide memory figures belong to this test.</summary>
[Collection(nameof(MemoryMeasurementGroup))]
public sealed class LargeUploadTests(ITestOutputHelper output) : IDisposable
{
    private const long FileSize = 50L * 1024 * 1024;
    private const long MiB = 1024 * 1024;
    private readonly string _tempDirectory = Directory.CreateTempSubdirectory("asgi-upload-tests-").FullName;

    public void Dispose() => Directory.Delete(_tempDirectory, recursive: true);

    private static byte PatternAt(long position) => (byte)((position * 31 + 7) % 253);

    [Fact]
    public async Task A_50_MiB_multipart_upload_through_Kestrel_is_parsed_in_flat_memory()
    {
        long received = 0, allocatedDuringParse = 0, baselineRetained = 0, peakRetained = 0, nextSample = 0;
        string? result = null;
        var streamedUpload = false;
        await using var host = await KestrelTestHost.StartAsync(async (scope, receive, send) =>
        {
            // Count the body bytes the server hands over, and sample the retained heap every 8 MiB.
            AsgiReceive counting = async () =>
            {
                var message = await receive();
                if (message is HttpRequestBody body)
                {
                    received += body.Body.Length;
                    if (received >= nextSample)
                    {
                        nextSample += 8 * MiB;
                        peakRetained = Math.Max(peakRetained, GC.GetTotalMemory(forceFullCollection: true));
                    }
                }

                return message;
            };
            var request = new AsgiRequest((HttpScope)scope, counting);
            streamedUpload = request.Headers.Get("content-length") is null;
            baselineRetained = GC.GetTotalMemory(forceFullCollection: true);
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var form = await request.ReadFormAsync(new AsgiFormOptions { TempDirectory = _tempDirectory, MaxFileSize = 2 * FileSize });
            allocatedDuringParse = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            await using (form)
            {
                var file = form.GetFile("upload")!;
                result = $"{form["title"]} {file.FileName} {file.Length} {file.IsOnDisk} {await VerifyAsync(file)}";
            }

            await send(new HttpResponseStart(200));
            await send(new HttpResponseBody("stored"u8.ToArray()));
        }, KestrelTestHost.LifespanOff, kestrel: options => options.Limits.MaxRequestBodySize = null);

        using var content = new MultipartFormDataContent();
        content.Add(new StringContent("holiday video"), "title");
        var file = new StreamContent(new PatternStream(FileSize), 64 * 1024);
        file.Headers.ContentType = new MediaTypeHeaderValue("video/mp4");
        content.Add(file, "upload", "video.mp4");
        using var response = await host.CreateClient(KestrelProtocol.Http1).PostAsync("/upload", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"holiday video video.mp4 {FileSize} True True", result);
        Assert.True(streamedUpload, "the client should stream the upload (chunked, no content-length)");
        Assert.True(received > FileSize, $"received {received}");

        // Flat memory: the heap that survives a full collection never grew by anything close to the file size.
        var retainedGrowth = peakRetained - baselineRetained;
        var parserAllocations = allocatedDuringParse - received;
        output.WriteLine($"received {received} bytes; retained heap growth {retainedGrowth} bytes; allocations beyond the body {parserAllocations} bytes");
        Assert.True(retainedGrowth < 16 * MiB, $"retained heap grew by {retainedGrowth / MiB} MiB while parsing");

        // Every receive() hands the application a fresh array holding the chunk (the application owns it), so the
        // body bytes are allocated once by the server; everything the parser allocates on top must stay small.
        Assert.True(parserAllocations < 16 * MiB, $"allocated {parserAllocations / MiB} MiB beyond the received body");
        Assert.Empty(Directory.GetFiles(_tempDirectory));
    }

    private static async Task<bool> VerifyAsync(AsgiUploadedFile file)
    {
        await using var stream = file.OpenReadStream();
        var buffer = new byte[64 * 1024];
        long position = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            for (var i = 0; i < read; i++, position++)
            {
                if (buffer[i] != PatternAt(position))
                {
                    return false;
                }
            }
        }

        return position == file.Length;
    }

    /// <summary>A non-seekable stream producing the pattern without holding it (so HttpClient streams it chunked).</summary>
    private sealed class PatternStream(long length) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var count = (int)Math.Min(buffer.Length, length - _position);
            for (var i = 0; i < count; i++)
            {
                buffer[i] = PatternAt(_position++);
            }

            return count;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
