using System.Text;
using AsgiBridge;
using AsgiBridge.Messages;

/// <summary>
/// The example ASGI application. On the lifespan scope it opens a <see cref="NoteStore"/> at startup and closes it at
/// shutdown; on HTTP scopes it finds the store in <c>scope.State["notes"]</c>.
/// <list type="bullet">
/// <item><c>GET /</c>: a one-line summary.</item>
/// <item><c>POST /notes</c>: appends the request body as a note.</item>
/// <item><c>GET /notes</c>: the notes of this run, one per line.</item>
/// </list>
/// </summary>
/// <param name="directory">Where the note log lives.</param>
/// <param name="failStartup">When set, startup sends <c>lifespan.startup.failed</c> instead of opening the store.</param>
public sealed class NotesApp(string directory, bool failStartup)
{
    /// <summary>The key of the note store in the lifespan state.</summary>
    public const string StateKey = "notes";

    /// <summary>The message startup fails with when asked to.</summary>
    public const string FailureMessage = "note store not opened: startup was told to fail (--fail-startup)";

    private static readonly AsgiHeader[] s_text = [new("content-type", "text/plain; charset=utf-8")];

    /// <summary>The ASGI application.</summary>
    /// <param name="scope">The connection scope.</param>
    /// <param name="receive">The receive callable.</param>
    /// <param name="send">The send callable.</param>
    /// <returns>A task that completes when the connection is handled.</returns>
    public Task Run(AsgiScope scope, AsgiReceive receive, AsgiSend send) => scope switch
    {
        LifespanScope lifespan => LifespanAsync(lifespan, receive, send),
        HttpScope http => HttpAsync(http, receive, send),
        _ => throw new NotSupportedException($"Scope type '{scope.Type}' is not supported by this app."),
    };

    private async Task LifespanAsync(LifespanScope scope, AsgiReceive receive, AsgiSend send)
    {
        NoteStore? store = null;
        while (true)
        {
            switch (await receive())
            {
                case LifespanStartup:
                    if (failStartup)
                    {
                        await send(new LifespanStartupFailed(FailureMessage));
                        return;
                    }

                    try
                    {
                        store = await NoteStore.OpenAsync(directory);
                    }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                    {
                        await send(new LifespanStartupFailed($"cannot open the note store in '{directory}': {ex.Message}"));
                        return;
                    }

                    scope.State![StateKey] = store;
                    await send(LifespanStartupComplete.Instance);
                    break;
                case LifespanShutdown:
                    if (store is not null)
                    {
                        await store.DisposeAsync();
                    }

                    await send(LifespanShutdownComplete.Instance);
                    return;
            }
        }
    }

    private static async Task HttpAsync(HttpScope scope, AsgiReceive receive, AsgiSend send)
    {
        if (scope.State?[StateKey] is not NoteStore store)
        {
            await RespondAsync(send, 503, "the note store is not open\n");
            return;
        }

        var path = scope.Path[scope.RootPath.Length..];
        switch (scope.Method, path)
        {
            case ("GET", "/" or ""):
                var count = (await store.ListAsync()).Count;
                await RespondAsync(send, 200, $"{count} note(s) in {store.FilePath}\n");
                break;
            case ("GET", "/notes"):
                var notes = await store.ListAsync();
                await RespondAsync(send, 200, string.Concat(notes.Select(note => note + "\n")));
                break;
            case ("POST", "/notes"):
                var text = await ReadBodyAsync(receive);
                if (text.Length == 0)
                {
                    await RespondAsync(send, 400, "send the note as the request body\n");
                    return;
                }

                await store.AddAsync(text);
                await RespondAsync(send, 201, "saved\n");
                break;
            default:
                await RespondAsync(send, 404, "Not Found\n");
                break;
        }
    }

    private static async Task<string> ReadBodyAsync(AsgiReceive receive)
    {
        using var buffer = new MemoryStream();
        while (await receive() is HttpRequestBody body)
        {
            buffer.Write(body.Body.Span);
            if (!body.MoreBody)
            {
                break;
            }
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length).Trim();
    }

    private static async Task RespondAsync(AsgiSend send, int status, string text)
    {
        await send(new HttpResponseStart(status, s_text));
        await send(new HttpResponseBody(Encoding.UTF8.GetBytes(text)));
    }
}
