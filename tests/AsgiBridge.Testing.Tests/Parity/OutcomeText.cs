using AsgiBridge.Hosting;

namespace AsgiBridge.Testing.Tests.Parity;

/// <summary>The bridge's record of a connection as one comparable line: how it ended, what the bridge did, and the failure (type and message).</summary>
internal static class OutcomeText
{
    public static string Describe(AsgiConnectionOutcome? outcome) => outcome is null
        ? "outcome <none>"
        : $"outcome {outcome.End} status={outcome.ErrorStatusCode} truncated={outcome.ResponseTruncated} close={outcome.WebSocketCloseCode} "
          + $"exception={Name(outcome.Exception)} violation={Name(outcome.ProtocolViolation)}";

    private static string Name(Exception? exception) => exception is null ? "-" : $"{exception.GetType().Name}: {exception.Message}";
}
