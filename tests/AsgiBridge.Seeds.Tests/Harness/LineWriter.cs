using System.Text;

namespace AsgiBridge.Seeds.Tests.Harness;

/// <summary>A thread-safe <see cref="TextWriter"/> that keeps what a port prints (its <c>print</c>), line by line.</summary>
internal sealed class LineWriter : TextWriter
{
    private readonly Lock _gate = new();
    private readonly List<string> _lines = [];
    private readonly StringBuilder _current = new();
    private readonly List<(string Text, TaskCompletionSource Signal)> _waiters = [];

    /// <inheritdoc />
    public override Encoding Encoding => Encoding.UTF8;

    /// <summary>The complete lines so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    /// <inheritdoc />
    public override void Write(char value)
    {
        lock (_gate)
        {
            if (value == '\n')
            {
                var line = _current.ToString();
                _current.Clear();
                _lines.Add(line);
                foreach (var waiter in _waiters.Where(w => line.Contains(w.Text, StringComparison.Ordinal)).ToList())
                {
                    waiter.Signal.TrySetResult();
                    _waiters.Remove(waiter);
                }
            }
            else if (value != '\r')
            {
                _current.Append(value);
            }
        }
    }

    /// <summary>Waits for a line containing <paramref name="text"/> (at once if one was printed).</summary>
    /// <param name="text">The text.</param>
    /// <returns>A task that completes with the line.</returns>
    public Task WaitForAsync(string text)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_lines.Any(l => l.Contains(text, StringComparison.Ordinal)))
            {
                return Task.CompletedTask;
            }

            _waiters.Add((text, signal));
        }

        return signal.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
