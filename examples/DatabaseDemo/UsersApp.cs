using System.Data.Common;
using System.Text.Json;
using AsgiBridge;
using AsgiBridge.Messages;

namespace DatabaseDemo;

/// <summary>
/// Seed 003's <c>DatabaseMiddleware</c> and <c>get_users_handler</c>, with the pool's life moved where ASGI puts it: the
/// lifespan scope opens the pool (creating the <c>users</c> table and two sample rows if needed) and puts it into
/// <c>state["db"]</c>; each request finds it in its copy of the state; shutdown, after the server drained its requests,
/// closes it.
/// </summary>
public sealed class UsersApp
{
    /// <summary>The state key of the pool (the seed's <c>scope['db']</c>).</summary>
    public const string StateKey = "db";

    private static readonly string[] s_schema =
    [
        "CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL)",
        "INSERT INTO users (id, name, email) VALUES (1, 'Alice', 'alice@example.com'), (2, 'Bob', 'bob@example.com') ON CONFLICT (id) DO NOTHING",
    ];

    private readonly DatabaseSettings _settings;
    private readonly ILogger _logger;

    /// <summary>Creates the application.</summary>
    /// <param name="settings">Which database to use.</param>
    /// <param name="logger">The demo's logger.</param>
    public UsersApp(DatabaseSettings settings, ILogger<UsersApp> logger)
    {
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>The ASGI application.</summary>
    /// <param name="scope">The connection scope.</param>
    /// <param name="receive">The receive callable.</param>
    /// <param name="send">The send callable.</param>
    /// <returns>A task that completes when the connection is handled.</returns>
    public Task Run(AsgiScope scope, AsgiReceive receive, AsgiSend send) => scope switch
    {
        LifespanScope lifespan => RunLifespanAsync(lifespan, receive, send),
        HttpScope http when http.Path == "/users" && http.Method is "GET" or "HEAD" => GetUsersAsync(http, send),
        HttpScope => SendTextAsync(send, 404, "Not Found"),
        _ => throw new NotSupportedException($"Scope type '{scope.Type}' is not supported by this app."),
    };

    private async Task RunLifespanAsync(LifespanScope scope, AsgiReceive receive, AsgiSend send)
    {
        DbDataSource? pool = null;
        while (true)
        {
            switch (await receive())
            {
                case LifespanStartup:
                    try
                    {
                        pool = _settings.CreateDataSource();
                        var users = await PrepareAsync(pool);
                        scope.State![StateKey] = pool;
                        DatabaseLog.PoolOpened(_logger, _settings.Provider, users);
                    }
                    catch (Exception ex) when (ex is DbException or IOException or UnauthorizedAccessException)
                    {
                        if (pool is not null)
                        {
                            await pool.DisposeAsync();
                        }

                        // The bridge logs the message at Critical and the host does not start (lifespan mode On).
                        await send(new LifespanStartupFailed($"Could not open the {_settings.Provider} database: {ex.Message}"));
                        return;
                    }

                    await send(LifespanStartupComplete.Instance);
                    break;
                case LifespanShutdown:
                    if (pool is not null)
                    {
                        await _settings.CloseAsync(pool);
                        DatabaseLog.PoolClosed(_logger, _settings.Provider);
                    }

                    await send(LifespanShutdownComplete.Instance);
                    return;
            }
        }
    }

    private static async Task<long> PrepareAsync(DbDataSource pool)
    {
        await using var connection = await pool.OpenConnectionAsync();
        foreach (var statement in s_schema)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = statement;
            await command.ExecuteNonQueryAsync();
        }

        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM users";
        return Convert.ToInt64(await count.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    // get_users_handler: the users as JSON; "Database not available" without a pool; a JSON error when the query fails.
    private async Task GetUsersAsync(HttpScope scope, AsgiSend send)
    {
        if (scope.State is null || !scope.State.TryGetValue(StateKey, out var value) || value is not DbDataSource db)
        {
            await SendTextAsync(send, 500, "Database not available");
            return;
        }

        byte[] body;
        try
        {
            await using var connection = await db.OpenConnectionAsync();   // async with get_db() as db
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT id, name, email FROM users ORDER BY id";
            await using var reader = await command.ExecuteReaderAsync();
            var users = new List<Dictionary<string, object>>();
            while (await reader.ReadAsync())
            {
                users.Add(new() { ["id"] = reader.GetInt64(0), ["name"] = reader.GetString(1), ["email"] = reader.GetString(2) });
            }

            body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object> { ["users"] = users });
        }
        catch (DbException ex)
        {
            DatabaseLog.QueryFailed(_logger, ex, scope.Path);
            await SendJsonAsync(send, 500, JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["error"] = ex.Message }));
            return;
        }

        await SendJsonAsync(send, 200, body);
    }

    private static async Task SendJsonAsync(AsgiSend send, int status, byte[] json)
    {
        await send(new HttpResponseStart(status, [("content-type", "application/json")]));
        await send(new HttpResponseBody(json));
    }

    private static async Task SendTextAsync(AsgiSend send, int status, string text)
    {
        await send(new HttpResponseStart(status, [("content-type", "text/plain; charset=utf-8")]));
        await send(new HttpResponseBody(text));
    }
}
