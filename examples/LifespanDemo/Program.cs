using AsgiBridge;
using AsgiBridge.Examples;
using AsgiBridge.Lifespan;

// LifespanDemo: an ASGI application that owns a resource for its whole life. Lifespan startup opens a file-backed
// note store and puts it into scope.State; every request reaches it through its copy of that state; lifespan
// shutdown, which runs after the server has drained its requests, flushes and closes the file.
//
//   dotnet run                              serve on the default URLs, notes go to $TMPDIR/asgi-lifespan-demo/notes.log
//   dotnet run -- --Notes:Directory=/some/dir   store the notes elsewhere
//   dotnet run -- --fail-startup            startup sends lifespan.startup.failed: the host does not start, exit code 3 (as uvicorn)
const string FailStartupSwitch = "--fail-startup";
var failStartup = args.Contains(FailStartupSwitch);

var builder = ExampleLogging.CreateBuilder(args.Where(arg => arg != FailStartupSwitch).ToArray());
builder.Services.AddAsgi(options => options.Lifespan.Mode = LifespanMode.On);

var app = builder.Build();
app.UseExampleRequestLogging();
var directory = app.Configuration["Notes:Directory"] ?? Path.Combine(Path.GetTempPath(), "asgi-lifespan-demo");
failStartup |= app.Configuration.GetValue<bool>("Notes:FailStartup");

var notes = new NotesApp(directory, failStartup);
app.UseAsgi(notes.Run);

// A failed startup ends this plain Run() with exit code 3 and the application's message, as uvicorn exits.
app.Run();

/// <summary>The example's entry point; public so integration tests can use <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
