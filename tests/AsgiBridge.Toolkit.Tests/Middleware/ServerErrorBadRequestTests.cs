using System.Net.Http.Headers;
using AsgiBridge.Testing;
using AsgiBridge.TestInfrastructure.Logging;
using AsgiBridge.Toolkit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AsgiBridge.Toolkit.Tests.Middleware;

/// <summary>Issue 10.6 (toolkit): under <c>UseServerErrors</c> a client error keeps its status and is never an Error log.</summary>
public sealed class ServerErrorBadRequestTests
{
    private static async Task<(AsgiTestClient Client, TestLogSink Logs)> StartAsync(AsgiRouter router)
    {
        var logs = new TestLogSink();
        var client = await AsgiTestClient.StartAsync(
            p => p.UseServerErrors(o => o.ShowDeveloperPage = false).UseRequestLogging().Run(router),
            services => services.AddLogging(logging => logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug)),
            new AsgiTestClientOptions { RaiseServerExceptions = false });
        return (client, logs);
    }

    [Theory]
    [InlineData(413)]
    [InlineData(400)]
    public async Task An_AsgiBadRequestException_is_answered_with_its_status_and_logged_below_Error(int status)
    {
        var router = new AsgiRouter().MapPost("/upload", AsgiResponse (_) => throw new AsgiBadRequestException(status, "The request body is too large."));
        var (client, logs) = await StartAsync(router);
        await using var _ = client;

        var response = await client.PostAsync("/upload", new ByteArrayContent([1, 2, 3]));

        Assert.Equal(status, response.Status);
        Assert.Equal("The request body is too large.", response.Text);
        Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Error);
        Assert.Equal(LogLevel.Information, Assert.Single(logs.WithEvent(82)).Level);
    }

    [Fact]
    public async Task A_form_over_its_limits_is_answered_400_as_starlette_does()
    {
        var router = new AsgiRouter().MapPost("/form", async request =>
        {
            await using var form = await request.ReadFormAsync(new AsgiFormOptions { MaxParts = 2 });
            return new TextResponse("parsed");
        });
        var (client, logs) = await StartAsync(router);
        await using var _ = client;
        using var content = new FormUrlEncodedContent([new("a", "1"), new("b", "2"), new("c", "3")]);

        var response = await client.PostAsync("/form", content);
        using var notAForm = new StringContent("{}", new MediaTypeHeaderValue("application/json"));
        var wrongType = await client.PostAsync("/form", notAForm);

        Assert.Equal(400, response.Status);
        Assert.Equal(400, wrongType.Status);
        Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Error);
    }
}
