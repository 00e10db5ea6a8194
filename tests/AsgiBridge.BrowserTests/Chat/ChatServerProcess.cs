using System.Diagnostics;
using System.Text.RegularExpressions;

namespace AsgiBridge.BrowserTests;

/// <summary>
/// Runs the chat demo exactly as a user would (<c>Chat.dll --urls http://127.0.0.1:0</c>) and reads the URL it prints.
/// </summary>
public sealed partial class ChatServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ChatServerProcess(Process process, Uri url)
    {
        _process = process;
        Url = url;
    }

    public Uri Url { get; }

    public static async Task<ChatServerProcess> StartAsync()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Chat.dll");
        Assert.True(File.Exists(dll), $"The chat demo was not built next to the tests: {dll}");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        start.Environment["DOTNET_NOLOGO"] = "1";
        var process = Process.Start(start)!;

        var url = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                url.TrySetException(new InvalidOperationException("The chat server exited:\n" + string.Join("\n", output)));
                return;
            }

            output.Enqueue(e.Data);
            var match = UrlPattern().Match(e.Data);
            if (match.Success)
            {
                url.TrySetResult(new Uri(match.Groups[1].Value));
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                output.Enqueue(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            return new ChatServerProcess(process, await url.Task.WaitAsync(TimeSpan.FromSeconds(60)));
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    [GeneratedRegex(@"open (http://\S+) in two browser tabs")]
    private static partial Regex UrlPattern();
}
