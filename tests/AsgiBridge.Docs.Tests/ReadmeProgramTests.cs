using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using AsgiBridge.Docs.Tests.Snippets;
using AsgiBridge.TestInfrastructure.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AsgiBridge.Docs.Tests;

/// <summary>
/// The README's programs run as shown: the quickstart answers and logs no exception (its lambda refuses the lifespan
/// scope: one line), and the toolkit program serves every route it declares without answering 401 outside /admin.
/// </summary>
public sealed class ReadmeProgramTests
{
    private static readonly string s_root = DocumentationSnippetTests.FindRoot();

    public static TheoryData<string> Files() => ["README.md"];

    private static MarkdownSnippet Find(string file, string marker) =>
        SnippetExtractor.Extract(file, File.ReadAllText(Path.Combine(s_root, file)))
            .Single(s => s.Kind == SnippetKind.File && s.Code.Contains(marker, StringComparison.Ordinal) && s.Code.Contains("app.Run();", StringComparison.Ordinal));

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Quickstart_answers_and_prints_no_stack_trace(string file)
    {
        var sink = new TestLogSink();
        await using (var program = await SnippetProgram.StartAsync(Find(file, "\"Hello, world!\""), host => host.Services.GetRequiredService<ILoggerFactory>().AddProvider(sink)))
        {
            using var http = new HttpClient { BaseAddress = program.Address };
            Assert.Equal("Hello, world!", await http.GetStringAsync("/"));
        }

        var lifespan = Assert.Single(sink.Entries, e => e.Category == "AsgiBridge.Lifespan" && e.Message.Contains("unsupported", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Information, lifespan.Level);
        Assert.DoesNotContain(sink.Entries, e => e.Exception is not null || e.Level >= LogLevel.Warning);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Toolkit_program_serves_its_routes(string file)
    {
        var sink = new TestLogSink();
        await using var program = await SnippetProgram.StartAsync(Find(file, "new AsgiRouter()"), host => host.Services.GetRequiredService<ILoggerFactory>().AddProvider(sink));
        using var http = new HttpClient { BaseAddress = program.Address };

        Assert.Equal("<h1>Hello</h1>", await http.GetStringAsync("/"));
        using (var user = JsonDocument.Parse(await http.GetStringAsync("/users/7?q=x&q=y")))
        {
            Assert.Equal(7, user.RootElement.GetProperty("id").GetInt32());
            Assert.Equal("y", user.RootElement.GetProperty("q").GetString());
        }

        using var form = new MultipartFormDataContent { { new ByteArrayContent("data"u8.ToArray()), "file", "a.txt" } };
        Assert.Equal("1 file(s)", await (await http.PostAsync("/upload", form)).Content.ReadAsStringAsync());

        using (var events = await http.GetAsync("/events", HttpCompletionOption.ResponseHeadersRead))
        {
            using var reader = new StreamReader(await events.Content.ReadAsStreamAsync());
            Assert.Equal("event: tick", await reader.ReadLineAsync());
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/admin/")).StatusCode);

        using var ws = new ClientWebSocket();
        await ws.ConnectAsync(new Uri($"ws://{program.Address.Authority}/ws/lobby"), CancellationToken.None);
        await ws.SendAsync("hi"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        var buffer = new byte[16];
        var received = await ws.ReceiveAsync(buffer, CancellationToken.None);
        Assert.Equal("hi", Encoding.UTF8.GetString(buffer, 0, received.Count));
        await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);

        Assert.DoesNotContain(sink.Entries, e => e.Level >= LogLevel.Error);
    }
}
