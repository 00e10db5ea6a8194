using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace DatabaseDemo;

/// <summary>Which database the demo uses: PostgreSQL when <c>ConnectionStrings:Postgres</c> is set, else a SQLite file.</summary>
/// <param name="Provider">"postgres" or "sqlite".</param>
/// <param name="ConnectionString">The connection string.</param>
public sealed record DatabaseSettings(string Provider, string ConnectionString)
{
    /// <summary>The application name the demo's PostgreSQL connections carry (visible in <c>pg_stat_activity</c>).</summary>
    public const string ApplicationName = "asgi-database-demo";

    /// <summary>Reads the settings.</summary>
    /// <param name="configuration">The configuration.</param>
    /// <returns>The settings.</returns>
    public static DatabaseSettings From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration.GetConnectionString("Postgres") is { Length: > 0 } postgres)
        {
            var builder = new NpgsqlConnectionStringBuilder(postgres);
            builder.ApplicationName ??= ApplicationName;
            return new DatabaseSettings("postgres", builder.ConnectionString);
        }

        var sqlite = configuration.GetConnectionString("Sqlite")
            ?? $"Data Source={Path.Combine(Path.GetTempPath(), "asgi-database-demo", "users.db")}";
        return new DatabaseSettings("sqlite", sqlite);
    }

    /// <summary>
    /// Creates the pool: an <see cref="NpgsqlDataSource"/> (Npgsql's pool) or a data source over Microsoft.Data.Sqlite,
    /// which pools its connections by default.
    /// </summary>
    /// <returns>The data source.</returns>
    public DbDataSource CreateDataSource()
    {
        if (Provider == "postgres")
        {
            return NpgsqlDataSource.Create(ConnectionString);
        }

        if (new SqliteConnectionStringBuilder(ConnectionString).DataSource is { Length: > 0 } file && Path.GetDirectoryName(Path.GetFullPath(file)) is { } directory)
        {
            Directory.CreateDirectory(directory);
        }

        return SqliteFactory.Instance.CreateDataSource(ConnectionString);
    }

    /// <summary>Closes the pool's idle connections: disposing Npgsql's data source does; SQLite's pool is cleared.</summary>
    /// <param name="dataSource">The data source.</param>
    /// <returns>A task that completes when the pool is closed.</returns>
    public async ValueTask CloseAsync(DbDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        if (Provider == "sqlite")
        {
            using var connection = new SqliteConnection(ConnectionString);
            SqliteConnection.ClearPool(connection);
        }

        await dataSource.DisposeAsync();
    }
}
