using System.Net;

namespace AsgiBridge.TestInfrastructure.Kestrel;

/// <summary>
/// Pins every request (hand-built <see cref="HttpRequestMessage"/>s too) to one HTTP version, exactly, and stamps it with a
/// fresh <see cref="OutcomeRecorder.Header"/> unless it already carries one.
/// </summary>
internal sealed class RequestIdHandler(Version version) : DelegatingHandler
{
    public static string? IdOf(HttpRequestMessage? request) =>
        request is not null && request.Headers.TryGetValues(OutcomeRecorder.Header, out var values) ? values.FirstOrDefault() : null;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Version = version;
        request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
        if (IdOf(request) is null)
        {
            request.Headers.TryAddWithoutValidation(OutcomeRecorder.Header, OutcomeRecorder.NewId());
        }

        return base.SendAsync(request, cancellationToken);
    }

    public static Version VersionOf(KestrelProtocol protocol) => protocol == KestrelProtocol.Http2 ? HttpVersion.Version20 : HttpVersion.Version11;
}
