using AsgiBridge.Messages;

namespace AsgiBridge.Testing.Tests.Http;

public sealed class ExceptionTests
{
    private static readonly AsgiTestClientOptions s_lenient = new() { RaiseServerExceptions = false };

    private static AsgiApp Throws(Exception exception, bool afterStart = false) => TestApps.Http(async (scope, receive, send) =>
    {
        if (afterStart)
        {
            await send(new HttpResponseStart(200));
            await send(new HttpResponseBody("partial"u8.ToArray(), moreBody: true));
        }

        throw exception;
    });

    [Fact]
    public async Task Exception_before_start_is_rethrown_into_the_test()
    {
        var boom = new InvalidOperationException("boom");
        await using var client = new AsgiTestClient(Throws(boom));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetAsync("/"));

        Assert.Same(boom, error);
    }

    [Fact]
    public async Task Exception_before_start_becomes_500_on_request()
    {
        await using var client = new AsgiTestClient(Throws(new InvalidOperationException("boom")), s_lenient);

        var response = await client.GetAsync("/");

        Assert.Equal(500, response.Status);
        Assert.Equal("text/plain; charset=utf-8", response.GetHeader("content-type"));
        Assert.Equal("21", response.GetHeader("content-length"));
        Assert.Equal("Internal Server Error", response.Text);
    }

    [Fact]
    public async Task The_500_body_follows_the_option_and_head_has_none()
    {
        await using var client = new AsgiTestClient(Throws(new InvalidOperationException("boom")),
            new AsgiTestClientOptions { RaiseServerExceptions = false, ConfigureBridge = bridge => bridge.InternalServerErrorBody = "oops" });

        var get = await client.GetAsync("/");
        var head = await client.HeadAsync("/");

        Assert.Equal("oops", get.Text);
        Assert.Equal(500, head.Status);
        Assert.Empty(head.Body);
        Assert.Equal("4", head.GetHeader("content-length"));
    }

    [Fact]
    public async Task Exception_after_start_is_rethrown_while_reading_the_body()
    {
        var boom = new InvalidOperationException("late boom");
        await using var client = new AsgiTestClient(Throws(boom, afterStart: true));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetAsync("/"));

        Assert.Same(boom, error);
    }

    [Fact]
    public async Task Exception_after_start_aborts_the_response_on_request()
    {
        await using var client = new AsgiTestClient(Throws(new InvalidOperationException("late boom"), afterStart: true), s_lenient);

        await using var response = await client.StreamAsync(HttpMethod.Get, "/");
        var error = await Assert.ThrowsAsync<IOException>(() => response.ReadToEndAsync());

        Assert.Equal(200, response.Status);
        Assert.Contains("aborted", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Returning_without_a_response_is_reported_or_becomes_500()
    {
        AsgiApp app = (scope, receive, send) => Task.CompletedTask;
        await using var strict = new AsgiTestClient(app);
        await using var lenient = new AsgiTestClient(app, s_lenient);

        var error = await Assert.ThrowsAsync<AsgiProtocolException>(() => strict.GetAsync("/"));
        var response = await lenient.GetAsync("/");

        Assert.Contains("returned without finishing its response", error.Message, StringComparison.Ordinal);
        Assert.Equal(500, response.Status);
    }

    [Fact]
    public async Task Returning_after_start_without_body_becomes_500()
    {
        var app = TestApps.Http((scope, receive, send) => send(new HttpResponseStart(201)).AsTask());
        await using var lenient = new AsgiTestClient(app, s_lenient);

        var response = await lenient.GetAsync("/");

        Assert.Equal(500, response.Status);
    }

    [Fact]
    public async Task Returning_with_more_body_pending_is_reported()
    {
        var app = TestApps.Http(async (scope, receive, send) =>
        {
            await send(new HttpResponseStart(200));
            await send(new HttpResponseBody("x"u8.ToArray(), moreBody: true));
        });
        await using var client = new AsgiTestClient(app);

        var error = await Assert.ThrowsAsync<AsgiProtocolException>(() => client.GetAsync("/"));

        Assert.Contains("returned without finishing its response", error.Message, StringComparison.Ordinal);
        Assert.Contains("response cut off", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exception_after_the_response_completed_is_raised_or_ignored()
    {
        var app = TestApps.Http(async (scope, receive, send) =>
        {
            await TestApps.SendText(send, 200, "ok");
            throw new InvalidOperationException("background failure");
        });
        await using var strict = new AsgiTestClient(app);
        await using var lenient = new AsgiTestClient(app, s_lenient);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => strict.GetAsync("/"));
        var response = await lenient.GetAsync("/");

        Assert.Equal("background failure", error.Message);
        Assert.Equal("ok", response.Text);
    }

    [Fact]
    public async Task Synchronous_exception_from_the_app_delegate_is_handled()
    {
        AsgiApp app = (scope, receive, send) => throw new NotSupportedException("sync");
        await using var strict = new AsgiTestClient(app);
        await using var lenient = new AsgiTestClient(app, s_lenient);

        await Assert.ThrowsAsync<NotSupportedException>(() => strict.GetAsync("/"));
        Assert.Equal(500, (await lenient.GetAsync("/")).Status);
    }
}
