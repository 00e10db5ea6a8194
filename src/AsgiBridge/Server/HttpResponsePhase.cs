namespace AsgiBridge.Server;

/// <summary>The phases of an HTTP response as the application drives it through <c>send</c>.</summary>
internal enum HttpResponsePhase
{
    /// <summary>Nothing sent yet.</summary>
    Initial,

    /// <summary><c>http.response.start</c> received and held; nothing handed to the transport yet.</summary>
    StartHeld,

    /// <summary>The start was committed to the transport; body chunks may follow.</summary>
    Streaming,

    /// <summary>The final body was sent; only <c>http.response.trailers</c> may follow.</summary>
    AwaitingTrailers,

    /// <summary>The response is complete; nothing may follow.</summary>
    Complete,
}
