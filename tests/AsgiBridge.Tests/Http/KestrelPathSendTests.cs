using System.Net;
using AsgiBridge.Messages;
using AsgiBridge.TestInfrastructure.Kestrel;
using AsgiBridge.Tests.Infrastructure;

namespace AsgiBridge.Tests.Http;

/// <summary>Real Kestrel tier: the pathsend extension serves a file through the server's file path.</summary>
public sealed class KestrelPathSendTests : IDisposable
{
    private static readonly TimeSpan s_timeout = AsgiTestApps.Timeout;
    private readonly string _file;
    private readonly byte[] _content;

    public KestrelPathSendTests()
    {
        _file = Path.Combine(Path.GetTempPath(), "asgibridge-pathsend-" + Guid.NewGuid().ToString("N") + ".bin");
        _content = Enumerable.Range(0, 200_000).Select(i => (byte)(i * 7)).ToArray();
        File.WriteAllBytes(_file, _content);
    }

    public void Dispose() => File.Delete(_file);

    private AsgiApp FileApp(bool declareLength) => async (scope, _, send) =>
    {
        Assert.True(scope.SupportsExtension(AsgiExtensionNames.PathSend));
        List<AsgiHeader> headers = [new("content-type", "application/octet-stream")];
        if (declareLength)
        {
            headers.Add(new("content-length", _content.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        await send(new HttpResponseStart(200, headers));
        await send(new HttpResponsePathSend(_file));
    };

    [Theory]
    [InlineData(KestrelProtocol.Http1, true)]
    [InlineData(KestrelProtocol.Http1, false)]
    [InlineData(KestrelProtocol.Http2, true)]
    [InlineData(KestrelProtocol.Http2, false)]
    public async Task Pathsend_serves_the_file_with_content_length(KestrelProtocol protocol, bool declareLength)
    {
        await using var server = await KestrelTestHost.StartAsync(FileApp(declareLength), KestrelTestHost.LifespanOff);
        using var response = await server.CreateClient(protocol).GetAsync("/", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(_content.Length, response.Content.Headers.ContentLength);
        Assert.Equal(_content, await response.Content.ReadAsByteArrayAsync());
        Assert.Empty(server.Logs.BridgeProblems);
    }

    [Theory]
    [InlineData(KestrelProtocol.Http1)]
    [InlineData(KestrelProtocol.Http2)]
    public async Task Pathsend_on_head_sends_length_but_no_body(KestrelProtocol protocol)
    {
        await using var server = await KestrelTestHost.StartAsync(FileApp(declareLength: false), KestrelTestHost.LifespanOff);
        using var request = new HttpRequestMessage(HttpMethod.Head, "/");
        using var response = await server.CreateClient(protocol).SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(_content.Length, response.Content.Headers.ContentLength);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData(KestrelProtocol.Http1)]
    [InlineData(KestrelProtocol.Http2)]
    public async Task Pathsend_errors_raise_from_send(KestrelProtocol protocol)
    {
        var errors = new TaskCompletionSource<Exception?[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await KestrelTestHost.StartAsync(async (_, _, send) =>
        {
            var beforeStart = await Record(() => send(new HttpResponsePathSend(_file)));
            await send(new HttpResponseStart(200));
            var relative = await Record(() => send(new HttpResponsePathSend("relative/file.bin")));
            var missing = await Record(() => send(new HttpResponsePathSend(_file + ".missing")));
            await send(new HttpResponseBody("x"u8.ToArray(), moreBody: true));
            var mixed = await Record(() => send(new HttpResponsePathSend(_file)));
            await send(HttpResponseBody.Empty);
            errors.SetResult([beforeStart, relative, missing, mixed]);
        }, KestrelTestHost.LifespanOff);

        using var response = await server.CreateClient(protocol).GetAsync("/");
        Assert.Equal("x", await response.Content.ReadAsStringAsync());
        var raised = await errors.Task.WaitAsync(s_timeout);
        Assert.IsType<AsgiProtocolException>(raised[0]);
        Assert.Equal("path", Assert.IsType<AsgiProtocolException>(raised[1]).Field);
        Assert.IsType<FileNotFoundException>(raised[2]);
        Assert.IsType<AsgiProtocolException>(raised[3]);
    }

    private static async Task<Exception?> Record(Func<ValueTask> action)
    {
        try
        {
            await action();
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }
}
