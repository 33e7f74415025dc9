using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using OpenSips.Mi.Testing;
using OpenSips.Mi.Tests.Support;

namespace OpenSips.Mi.Tests.Http;

/// <summary>mi_http's quirks (docs/wire-facts.md#http) as the client meets them.</summary>
public sealed class HttpTransportTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_body_over_httpd_receive_buf_size_is_explained_without_waiting_for_the_endless_body()
    {
        await using var emulator = await MiEmulator.StartAsync(new MiEmulatorOptions { EnableFifo = false, EnableUnix = false, EnableUdp = false }, Ct);
        await using var client = MiClient.Connect(emulator.HttpUriString);
        var watch = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<MiProtocolException>(
            () => client.CommandAsync("cache_store", MiParams.Positional("local", "k", new string('x', 2000)), Ct));

        Assert.Equal(400, ex.HttpStatusCode);
        Assert.Contains("receive_buf_size", ex.Message, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), "the never-ending chunked body must not be read");
        Assert.True((await client.CommandAsync("uptime", Ct)).IsSuccess, "the client keeps working afterwards");
    }

    [Fact]
    public async Task An_idle_connection_closed_by_httpd_is_retried_on_a_new_one()
    {
        await using var emulator = await MiEmulator.StartAsync(
            new MiEmulatorOptions { EnableFifo = false, EnableUnix = false, EnableUdp = false, HttpConnectionTimeout = TimeSpan.FromMilliseconds(200) }, Ct);
        await using var client = MiClient.Connect(emulator.HttpUriString);

        Assert.True((await client.CommandAsync("uptime", Ct)).IsSuccess);
        await Task.Delay(600, Ct);
        var second = await client.CommandAsync("version", Ct);

        Assert.True(second.IsSuccess);
        Assert.Equal(1, emulator.Received.Count(r => r.Method == "version"));
    }

    [Fact]
    public async Task Nothing_listening_is_a_transport_error_naming_the_endpoint()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var client = MiClient.Connect($"http://127.0.0.1:{port}/mi");

        var ex = await Assert.ThrowsAsync<MiTransportException>(() => client.CommandAsync("uptime", Ct));

        Assert.Contains($"http://127.0.0.1:{port}/mi", ex.Message, StringComparison.Ordinal);
        Assert.Contains("connection refused", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_root_is_a_protocol_error_with_the_status()
    {
        await using var emulator = await MiEmulator.StartAsync(new MiEmulatorOptions { EnableFifo = false, EnableUnix = false, EnableUdp = false }, Ct);
        await using var client = MiClient.Connect(new Uri(emulator.HttpUri, "/nosuchroot").ToString());

        var ex = await Assert.ThrowsAsync<MiProtocolException>(() => client.CommandAsync("uptime", Ct));

        Assert.Equal(400, ex.HttpStatusCode);
    }

    [Fact]
    public async Task An_untrusted_certificate_is_refused_by_default()
    {
        using var certificates = new TestCertificates();
        await using var emulator = await MiEmulator.StartAsync(TlsOptions(certificates), Ct);
        await using var client = MiClient.Connect(emulator.HttpUriString);

        var ex = await Assert.ThrowsAsync<MiTransportException>(() => client.CommandAsync("uptime", Ct));

        Assert.Contains("TLS", ex.Message, StringComparison.Ordinal);
        Assert.Empty(emulator.Received);
    }

    [Fact]
    public async Task A_certificate_from_a_configured_ca_is_accepted()
    {
        using var certificates = new TestCertificates();
        await using var emulator = await MiEmulator.StartAsync(TlsOptions(certificates), Ct);
        await using var client = MiClient.Connect(new HttpOptions(emulator.HttpUri) { TrustedCertificateAuthorities = [certificates.Authority] });

        Assert.True((await client.CommandAsync("uptime", Ct)).IsSuccess);
    }

    [Fact]
    public async Task A_certificate_from_another_ca_is_refused_even_with_a_configured_ca()
    {
        using var certificates = new TestCertificates();
        using var other = new TestCertificates();
        await using var emulator = await MiEmulator.StartAsync(TlsOptions(certificates), Ct);
        await using var client = MiClient.Connect(new HttpOptions(emulator.HttpUri) { TrustedCertificateAuthorities = [other.Authority] });

        await Assert.ThrowsAsync<MiTransportException>(() => client.CommandAsync("uptime", Ct));
    }

    [Fact]
    public async Task An_explicit_validation_callback_is_honoured()
    {
        using var certificates = new TestCertificates();
        await using var emulator = await MiEmulator.StartAsync(TlsOptions(certificates), Ct);
        var thumbprint = certificates.Server.Thumbprint;
        await using var client = MiClient.Connect(new XmlRpcOptions(emulator.XmlRpcUri)
        {
            ServerCertificateValidation = (_, cert, _, _) => cert is X509Certificate2 c && c.Thumbprint == thumbprint,
        });

        Assert.StartsWith("xmlrpc+https://", client.Endpoint, StringComparison.Ordinal);
        Assert.True((await client.CommandAsync("uptime", Ct)).IsSuccess);
    }

    private static MiEmulatorOptions TlsOptions(TestCertificates certificates) =>
        new() { EnableFifo = false, EnableUnix = false, EnableUdp = false, HttpsCertificate = certificates.Server };
}
