using AsgiBridge;
using AsgiBridge.Seeds.Tests.Ports;

// Serves one seed port the way a user's program does, with a plain app.Run():
//   SeedHost lifespan    seed 001's lifespan app (prints at startup and at shutdown)
//   SeedHost fails       contract.py's lifespan_fails twin: startup fails, the process exits with code 3
var which = args.FirstOrDefault() ?? "lifespan";
var builder = WebApplication.CreateBuilder(args.Skip(1).ToArray());
builder.Services.AddAsgi();
var app = builder.Build();
app.UseAsgi(which == "fails" ? ContractApps.LifespanFails : new Seed001Lifespan(Console.Out).App);
app.Run();
