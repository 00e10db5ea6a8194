using System.Net;
using AsgiBridge.Messages;
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
    [InlineData("1.1", true)]
    [InlineData("1.1", false)]
    [InlineData("2", true)]
    [InlineData("2", false)]
    public async Task Pathsend_serves_the_file_with_content_length(string version, bool declareLength)
    {
        await using var server = await KestrelTestServer.StartAsync(FileApp(declareLength));
        using var response = await server.CreateClient(version).GetAsync("/", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(_content.Length, response.Content.Headers.ContentLength);
        Assert.Equal(_content, await response.Content.ReadAsByteArrayAsync());
        Assert.Empty(server.Logs.BridgeProblems);
    }

    [Theory]
    [InlineData("1.1")]
    [InlineData("2")]
    public async Task Pathsend_on_head_sends_length_but_no_body(string version)
    {
        await using var server = await KestrelTestServer.StartAsync(FileApp(declareLength: false));
        using var request = new HttpRequestMessage(HttpMethod.Head, "/");
        using var response = await server.CreateClient(version).SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(_content.Length, response.Content.Headers.ContentLength);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("1.1")]
    [InlineData("2")]
    public async Task Pathsend_errors_raise_from_send(string version)
    {
        var errors = new TaskCompletionSource<Exception?[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await KestrelTestServer.StartAsync(async (_, _, send) =>
        {
            var beforeStart = await Record(() => send(new HttpResponsePathSend(_file)));
            await send(new HttpResponseStart(200));
            var relative = await Record(() => send(new HttpResponsePathSend("relative/file.bin")));
            var missing = await Record(() => send(new HttpResponsePathSend(_file + ".missing")));
            await send(new HttpResponseBody("x"u8.ToArray(), moreBody: true));
            var mixed = await Record(() => send(new HttpResponsePathSend(_file)));
            await send(HttpResponseBody.Empty);
            errors.SetResult([beforeStart, relative, missing, mixed]);
        });

        using var response = await server.CreateClient(version).GetAsync("/");
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
