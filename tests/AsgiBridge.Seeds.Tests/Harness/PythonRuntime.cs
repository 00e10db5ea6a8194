using System.Diagnostics;

namespace AsgiBridge.Seeds.Tests.Harness;

/// <summary>
/// Debian's Python with the packages the originals need. It is <c>/usr/bin/python3</c> by design: a python3 earlier on
/// PATH (pyenv, a virtualenv) lacks the Debian-packaged uvicorn. A missing interpreter or module fails the test with the
/// apt packages to install, in CI and locally alike: these tests have nothing to compare against without uvicorn.
/// </summary>
internal static class PythonRuntime
{
    /// <summary>The interpreter the tests run.</summary>
    public const string Interpreter = "/usr/bin/python3";

    /// <summary>The apt packages that bring the interpreter and every module the originals import.</summary>
    public const string AptPackages = "python3 python3-uvicorn python3-httptools python3-uvloop python3-websockets python3-starlette python3-jwt";

    private static readonly Lazy<Task<string?>> s_problem = new(CheckAsync);

    /// <summary>The folder holding the Python originals (copied next to the test assembly).</summary>
    public static string ScriptDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "python");

    /// <summary>Fails with the packages to install unless Python and every module are there.</summary>
    /// <returns>A task that completes when the runtime is usable.</returns>
    public static async Task RequireAsync()
    {
        if (await s_problem.Value.ConfigureAwait(false) is { } problem)
        {
            throw new InvalidOperationException(
                $"The side-by-side tests need Debian's Python with uvicorn: {problem} Install them with 'apt-get install -y {AptPackages}'.");
        }
    }

    private static async Task<string?> CheckAsync()
    {
        if (!File.Exists(Interpreter))
        {
            return $"{Interpreter} does not exist.";
        }

        var start = new ProcessStartInfo(Interpreter)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("import uvicorn, httptools, uvloop, websockets, starlette, jwt; print(uvicorn.__version__)");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        return process.ExitCode == 0 ? null : $"importing the modules failed: {(await errors.ConfigureAwait(false)).Trim()} {await output.ConfigureAwait(false)}";
    }
}
