namespace AsgiBridge.Toolkit;

/// <summary>
/// The callable that <see cref="BackgroundTasksMiddleware"/> puts into <c>scope["background"]</c>: it schedules work to
/// run after the response has been sent (after the application returned). The work receives a token that is cancelled
/// when the host shuts down and the work outlives <see cref="AsgiBackgroundTaskOptions.ShutdownTimeout"/>.
/// </summary>
/// <param name="work">The work to run.</param>
public delegate void AsgiBackgroundScheduler(Func<CancellationToken, Task> work);
