using AsgiBridge.Hosting;

namespace AsgiBridge.Testing.Hosting;

/// <summary>
/// Which exception a finished connection raises into the test when <see cref="AsgiTestClientOptions.RaiseServerExceptions"/>
/// is on. It reads the bridge's <see cref="AsgiConnectionOutcome"/> and decides nothing about the protocol itself.
/// </summary>
internal static class FailurePolicy
{
    /// <summary>The exception to raise for <paramref name="outcome"/>, or <see langword="null"/>.</summary>
    /// <param name="outcome">The connection's outcome.</param>
    /// <returns>
    /// <see cref="AsgiConnectionOutcome.Failure"/> (what the application raised, else the protocol violation it caught);
    /// an <see cref="AsgiProtocolException"/> when it returned without finishing its response; nothing for a connection
    /// the test itself left, unless a rule was broken.
    /// </returns>
    public static Exception? ToRaise(AsgiConnectionOutcome? outcome)
    {
        if (outcome is null)
        {
            return null;
        }

        if (outcome.End == AsgiConnectionEnd.ClientDisconnected)
        {
            return outcome.ProtocolViolation;
        }

        if (outcome.Failure is { } failure)
        {
            return failure;
        }

        return outcome.End == AsgiConnectionEnd.IncompleteResponse
            ? new AsgiProtocolException($"The ASGI application returned without finishing its response; the server reported: {outcome}.")
            : null;
    }
}
