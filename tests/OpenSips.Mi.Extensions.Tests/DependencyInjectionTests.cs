using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using static OpenSips.Mi.Extensions.Tests.Emulators;

namespace OpenSips.Mi.Extensions.Tests;

public sealed class DependencyInjectionTests
{
    private static IConfiguration Config(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public async Task The_default_client_is_bound_from_configuration_and_gets_the_logger_factory()
    {
        await using var emulator = await UdpAsync();
        var config = Config(("OpenSipsMi:Url", emulator.UdpUri), ("OpenSipsMi:Timeout", "00:00:03"));
        var services = new ServiceCollection().AddLogging();
        services.AddOpenSipsMi(config.GetSection("OpenSipsMi"));
        await using var provider = services.BuildServiceProvider(validateScopes: true);

        var client = provider.GetRequiredService<MiClient>();

        var options = Assert.IsType<DatagramOptions>(client.Options);
        Assert.Equal(TimeSpan.FromSeconds(3), options.Timeout);
        Assert.Same(provider.GetRequiredService<ILoggerFactory>(), options.LoggerFactory);
        Assert.Same(client, provider.GetRequiredService<MiClient>());
        Assert.Same(client, provider.GetRequiredKeyedService<MiClient>(Options.DefaultName));
        Assert.True((await client.CommandAsync("uptime", Ct)).IsSuccess);
    }

    [Fact]
    public async Task Named_clients_are_keyed_services_for_different_servers()
    {
        await using var first = await UdpAsync();
        await using var second = await UdpAsync();
        var services = new ServiceCollection();
        services.AddOpenSipsMi("edge-1", o => o.Url = first.UdpUri)
            .AddOpenSipsMi("edge-2", Config(("Url", second.UdpUri)));
        await using var provider = services.BuildServiceProvider();

        var edge1 = provider.GetRequiredKeyedService<MiClient>("edge-1");
        var edge2 = provider.GetRequiredKeyedService<MiClient>("edge-2");

        Assert.Equal(first.UdpUri, edge1.Endpoint);
        Assert.Equal(second.UdpUri, edge2.Endpoint);
        Assert.Null(provider.GetService<MiClient>());
        await edge1.CommandAsync("uptime", Ct);
        Assert.Single(first.Received);
        Assert.Empty(second.Received);
    }

    [Fact]
    public async Task A_second_registration_for_a_name_adds_configuration_to_the_same_client()
    {
        var services = new ServiceCollection();
        services.AddOpenSipsMi("edge", o => o.Url = "udp://127.0.0.1:8809")
            .AddOpenSipsMi("edge", o => o.Timeout = TimeSpan.FromSeconds(9));
        await using var provider = services.BuildServiceProvider();

        Assert.Equal(TimeSpan.FromSeconds(9), provider.GetRequiredKeyedService<MiClient>("edge").Options.Timeout);
        Assert.Single(provider.GetKeyedServices<MiClient>("edge"));
    }

    [Fact]
    public async Task Http_clients_come_from_the_http_client_factory_with_headers_and_basic_auth()
    {
        await using var emulator = await HttpAsync();
        var recorder = new RecordingHandler();
        var config = Config(
            ("Url", emulator.HttpUriString),
            ("UserName", "ops"),
            ("Password", "s3cret"),
            ("Headers:X-Tenant", "edge"));
        var services = new ServiceCollection();
        services.AddOpenSipsMi("edge", config);
        services.AddHttpClient(OpenSipsMiServiceCollectionExtensions.HttpClientName("edge")).AddHttpMessageHandler(() => recorder);
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredKeyedService<MiClient>("edge");
        var response = await client.CommandAsync("uptime", Ct);

        Assert.True(response.IsSuccess);
        var options = Assert.IsType<HttpOptions>(client.Options);
        Assert.NotNull(options.HttpClient);
        var request = Assert.Single(recorder.Requests);
        Assert.Equal("Basic", request.Headers.Authorization?.Scheme);
        Assert.Equal(Convert.ToBase64String("ops:s3cret"u8), request.Headers.Authorization?.Parameter);
        Assert.Equal("edge", Assert.Single(request.Headers.GetValues("X-Tenant")));
    }

    [Fact]
    public async Task Credentials_in_the_url_become_basic_auth_and_leave_the_url()
    {
        var services = new ServiceCollection();
        services.AddOpenSipsMi(o => o.Url = "xmlrpc+http://ops:p%40ss@127.0.0.1:8888/RPC2");
        await using var provider = services.BuildServiceProvider();

        var options = Assert.IsType<XmlRpcOptions>(provider.GetRequiredService<MiClient>().Options);

        Assert.Equal("http://127.0.0.1:8888/RPC2", options.Url.ToString());
        Assert.Equal("ops", options.BasicAuth?.UserName);
        Assert.Equal("p@ss", options.BasicAuth?.Password);
    }

    [Fact]
    public void The_primary_handler_keeps_the_library_settings()
    {
        var services = new ServiceCollection();
        services.AddOpenSipsMi(o =>
        {
            o.Url = "http://127.0.0.1:8888/mi";
            o.Timeout = TimeSpan.FromSeconds(4);
            o.PooledConnectionIdleTimeout = TimeSpan.FromSeconds(7);
        });
        using var provider = services.BuildServiceProvider();

        var handler = provider.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(OpenSipsMiServiceCollectionExtensions.HttpClientName(Options.DefaultName));
        var primary = Innermost(handler);

        var sockets = Assert.IsType<SocketsHttpHandler>(primary);
        Assert.Equal(0, sockets.MaxResponseDrainSize);
        Assert.Equal(TimeSpan.FromSeconds(7), sockets.PooledConnectionIdleTimeout);
        Assert.Equal(TimeSpan.FromSeconds(4), sockets.ConnectTimeout);
        Assert.False(sockets.AllowAutoRedirect);
    }

    private static HttpMessageHandler Innermost(HttpMessageHandler handler)
    {
        while (handler is DelegatingHandler { InnerHandler: { } inner })
        {
            handler = inner;
        }

        return handler;
    }

    [Theory]
    [InlineData(null, "Url is missing")]
    [InlineData("tcp://127.0.0.1:8809", "Unknown MI URI scheme 'tcp'")]
    [InlineData("udp://127.0.0.1", "has no port")]
    [InlineData("udp://127.0.0.1:70000", "not a number in 1..65535")]
    [InlineData("fifo:///nonexistent/opensips_fifo", "does not exist")]
    public void Bad_settings_fail_at_start_up_with_the_library_message(string? url, string expected)
    {
        var services = new ServiceCollection();
        services.AddOpenSipsMi("edge-1", Config(("Url", url)));
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("OpenSips.Mi client 'edge-1'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Transport_specific_settings_are_validated_by_the_library()
    {
        var services = new ServiceCollection();
        services.AddOpenSipsMi(o =>
        {
            o.Url = "unix:///run/opensips/mi.sock";
            o.ClientSocketDirectory = "/nonexistent/dir";
            o.Timeout = TimeSpan.FromSeconds(2);
        });
        services.AddOpenSipsMi("bad-timeout", o =>
        {
            o.Url = "udp://127.0.0.1:8809";
            o.Timeout = TimeSpan.Zero;
        });
        services.AddOpenSipsMi("ca", o =>
        {
            o.Url = "https://127.0.0.1:8888/mi";
            o.TrustedCertificateAuthorityFiles.Add("/nonexistent/ca.pem");
        });
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<AggregateException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.All(ex.InnerExceptions, e => Assert.IsType<OptionsValidationException>(e));
        Assert.Contains("ClientSocketDirectory '/nonexistent/dir' does not exist", ex.Message, StringComparison.Ordinal);
        Assert.Contains("OpenSips.Mi client 'bad-timeout': Timeout must be a positive duration", ex.Message, StringComparison.Ordinal);
        Assert.Contains("OpenSips.Mi client 'ca': TrustedCertificateAuthorityFiles: cannot read", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Transport_settings_reach_the_connection_options()
    {
        var fifo = new OpenSipsMiOptions { Url = "fifo:///tmp/opensips_fifo", ReplyDirectory = "/run/opensips/" }.ToConnectionOptions();
        var unix = new OpenSipsMiOptions { Url = "unix:///run/mi.sock", ClientSocketDirectory = "/run/app" }.ToConnectionOptions();
        var adjusted = new OpenSipsMiOptions { Url = "udp://127.0.0.1:8809", ConfigureConnection = o => o with { Timeout = TimeSpan.FromSeconds(1) } }.ToConnectionOptions();

        Assert.Equal("/run/opensips/", Assert.IsType<FifoOptions>(fifo).ReplyDirectory);
        Assert.Equal("/run/app", Assert.IsType<UnixDatagramOptions>(unix).ClientSocketDirectory);
        Assert.Equal(TimeSpan.FromSeconds(1), adjusted.Timeout);
    }

    [Fact]
    public async Task The_container_disposes_the_client()
    {
        var services = new ServiceCollection();
        services.AddOpenSipsMi(o => o.Url = "udp://127.0.0.1:8809");
        var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<MiClient>();

        await provider.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.CommandAsync("uptime", Ct));
    }
}
