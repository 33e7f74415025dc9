using System.Net;

namespace OpenSips.Mi.Tests.Events;

public class MiSubscriptionOptionsTests
{
    [Theory]
    [InlineData("udp://127.0.0.1:0", MiEventListenerKind.Udp, null)]
    [InlineData("tcp://127.0.0.1:9998", MiEventListenerKind.Tcp, null)]
    [InlineData("tcp://127.0.0.1:9998/my_method", MiEventListenerKind.Tcp, "my_method")]
    [InlineData("tcp://[::1]:0", MiEventListenerKind.Tcp, null)]
    [InlineData("unix:///tmp/ev.sock", MiEventListenerKind.UnixDatagram, null)]
    public void Listen_forms_parse(string listen, MiEventListenerKind kind, string? method)
    {
        var address = EventSocketAddress.Parse(listen);
        Assert.Equal(kind, address.Kind);
        Assert.Equal(method, address.Method);
    }

    [Theory]
    [InlineData("127.0.0.1:0")]
    [InlineData("udp://127.0.0.1")]
    [InlineData("udp://127.0.0.1:0/m")]
    [InlineData("sctp://127.0.0.1:0")]
    [InlineData("udp://example.org:0")]
    [InlineData("unix://relative")]
    [InlineData("tcp://127.0.0.1:0/")]
    public void Bad_listen_forms_are_refused_with_the_expected_forms(string listen)
    {
        var ex = Assert.Throws<ArgumentException>(() => new MiSubscriptionOptions { Listen = listen }.Validate());
        Assert.Contains("udp://HOST:PORT", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_advertised_socket_is_the_bound_address_or_the_configured_one_never_any()
    {
        var udp = EventSocketAddress.Parse("udp://127.0.0.1:0");
        Assert.Equal("udp:127.0.0.1:4000", udp.Advertise(new IPEndPoint(IPAddress.Loopback, 4000), null, null));
        Assert.Equal("udp:10.1.2.3:5000", udp.Advertise(new IPEndPoint(IPAddress.Loopback, 4000), "10.1.2.3", 5000));
        Assert.Equal("tcp:[::1]:4000/m", EventSocketAddress.Parse("tcp://[::1]:0/m").Advertise(new IPEndPoint(IPAddress.IPv6Loopback, 4000), null, null));
        Assert.Equal("unix:/tmp/e.sock", EventSocketAddress.Parse("unix:///tmp/e.sock").Advertise(new IPEndPoint(IPAddress.Loopback, 1), null, null));
        Assert.Throws<ArgumentException>(() => udp.Advertise(new IPEndPoint(IPAddress.Any, 4000), null, null));
        Assert.Throws<ArgumentException>(() => new MiSubscriptionOptions { AdvertisedHost = "0.0.0.0" }.Validate());
    }

    [Fact]
    public void Ranges_are_checked_and_the_refresh_happens_before_expiry()
    {
        Assert.Throws<ArgumentException>(() => new MiSubscriptionOptions { Expire = TimeSpan.FromMilliseconds(500) }.Validate());
        Assert.Throws<ArgumentException>(() => new MiSubscriptionOptions { Capacity = 0 }.Validate());
        Assert.Throws<ArgumentException>(() => new MiSubscriptionOptions { AdvertisedPort = 70000 }.Validate());
        Assert.Throws<ArgumentException>(() => new MiSubscriptionOptions { RetryDelay = TimeSpan.FromSeconds(10), MaxRetryDelay = TimeSpan.FromSeconds(1) }.Validate());
        Assert.Equal(TimeSpan.FromSeconds(3540), MiSubscriptionOptions.Default.RefreshDelay);
        Assert.Equal(TimeSpan.FromSeconds(50), new MiSubscriptionOptions { Expire = TimeSpan.FromSeconds(100) }.RefreshDelay);
        Assert.Equal(TimeSpan.FromSeconds(90), new MiSubscriptionOptions { Expire = TimeSpan.FromSeconds(120), RefreshMargin = TimeSpan.FromSeconds(30) }.RefreshDelay);
    }
}
