namespace MiddlewareDemo;

/// <summary>Pretends to send welcome emails: it takes a while and logs what it did.</summary>
/// <param name="settings">How long sending takes.</param>
/// <param name="logger">Where the "sent" line goes.</param>
public sealed partial class WelcomeMailer(DemoSettings settings, ILogger<WelcomeMailer> logger)
{
    /// <summary>"Sends" the welcome email.</summary>
    /// <param name="email">The recipient.</param>
    /// <param name="cancellationToken">Cancelled when shutdown stops waiting.</param>
    /// <returns>A task that completes when the email is sent.</returns>
    public async Task SendWelcomeAsync(string email, CancellationToken cancellationToken)
    {
        LogSending(logger, email);
        await Task.Delay(settings.EmailDelay, cancellationToken).ConfigureAwait(false);
        LogSent(logger, email);
    }

    [LoggerMessage(1, LogLevel.Information, "Sending welcome email to {Email}", EventName = "WelcomeEmailSending")]
    private static partial void LogSending(ILogger logger, string email);

    [LoggerMessage(2, LogLevel.Information, "Welcome email sent to {Email}", EventName = "WelcomeEmailSent")]
    private static partial void LogSent(ILogger logger, string email);
}
