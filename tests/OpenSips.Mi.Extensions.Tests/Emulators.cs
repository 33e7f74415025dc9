using OpenSips.Mi.Testing;

namespace OpenSips.Mi.Extensions.Tests;

internal static class Emulators
{
    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static Task<MiEmulator> UdpAsync() =>
        MiEmulator.StartAsync(new MiEmulatorOptions { EnableFifo = false, EnableUnix = false, EnableHttp = false }, Ct);

    public static Task<MiEmulator> HttpAsync() =>
        MiEmulator.StartAsync(new MiEmulatorOptions { EnableFifo = false, EnableUnix = false, EnableUdp = false }, Ct);
}

/// <summary>Records the requests that went through an IHttpClientFactory pipeline.</summary>
internal sealed class RecordingHandler : DelegatingHandler
{
    public List<HttpRequestMessage> Requests { get; } = [];

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        lock (Requests)
        {
            Requests.Add(request);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
