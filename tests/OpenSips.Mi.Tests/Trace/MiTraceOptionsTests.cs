using System.Net;
using OpenSips.Mi.Trace;

namespace OpenSips.Mi.Tests.Trace;

/// <summary>Checks of <see cref="MiTraceOptions"/> before anything is bound or sent, and the filter forms the tracer compares.</summary>
public sealed class MiTraceOptionsTests
{
    [Theory]
    [InlineData("unix:///tmp/hep.sock", "unknown scheme")]
    [InlineData("udp://[::1]:0", "IPv6")]
    [InlineData("tcp://127.0.0.1", "PORT a number")]
    [InlineData("127.0.0.1:9060", "no scheme")]
    [InlineData("udp://localhost:0", "HOST must be an IP address")]
    public void A_bad_listen_address_is_refused_with_the_reason(string listen, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => new MiTraceOptions { Listen = listen }.Validate());

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Contains("MiTraceOptions.Listen", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("host;transport=tcp")]
    [InlineData("::1")]
    [InlineData(" ")]
    public void An_advertised_host_OpenSIPS_cannot_use_is_refused(string host)
    {
        Assert.Throws<ArgumentException>(() => new MiTraceOptions { AdvertisedHost = host }.Validate());
    }

    [Fact]
    public void Other_out_of_range_settings_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new MiTraceOptions { Capacity = 0 }.Validate());
        Assert.Throws<ArgumentException>(() => new MiTraceOptions { AdvertisedPort = 70000 }.Validate());
        Assert.Throws<ArgumentException>(() => new MiTraceOptions { DisposeTimeout = TimeSpan.Zero }.Validate());
        Assert.Throws<ArgumentException>(() => new MiTraceOptions { Id = "two words" }.Validate());
        Assert.Throws<ArgumentException>(() => new MiTraceOptions { Scope = (MiTraceScope)9 }.Validate());
        var ipv6 = Assert.Throws<ArgumentException>(() => new MiTraceOptions { SourceIp = IPAddress.IPv6Loopback }.Validate());
        Assert.Contains("would trace everything", ipv6.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Binding_0_0_0_0_without_an_advertised_host_is_refused_before_anything_is_sent()
    {
        await using var mi = MiClient.Connect("udp://127.0.0.1:9");

        var error = await Assert.ThrowsAsync<ArgumentException>(() => mi.TraceAsync(new MiTraceOptions { Listen = "udp://0.0.0.0:0" }, TestContext.Current.CancellationToken));

        Assert.Contains("AdvertisedHost", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("alice", "alice")]
    [InlineData("alice@example.com", "alice@example.com")]
    [InlineData("sip:alice@example.com", "alice@example.com")]
    [InlineData("<sips:alice@example.com:5061;transport=tls>", "alice@example.com")]
    [InlineData("sip:1001@10.0.0.1:5060?subject=x", "1001@10.0.0.1")]
    [InlineData("tel:+15551234", "+15551234")]
    public void A_caller_or_callee_is_reduced_to_the_user_or_user_at_host_the_tracer_compares(string given, string sent)
    {
        Assert.Equal(sent, TraceFilters.UserFilter(given, "Caller"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("sip:")]
    [InlineData("alice@")]
    [InlineData("al ice")]
    public void A_caller_that_is_not_a_user_is_refused(string given)
    {
        var error = Assert.Throws<ArgumentException>(() => new MiTraceOptions { Caller = given }.Validate());

        Assert.Equal("Caller", error.ParamName);
    }

    [Theory]
    [InlineData(MiTraceScope.Transaction, "t")]
    [InlineData(MiTraceScope.Message, "m")]
    [InlineData(MiTraceScope.Dialog, "d")]
    public void Each_scope_is_sent_as_the_tracer_letter(MiTraceScope scope, string letter)
    {
        Assert.Equal(letter, TraceFilters.ScopeFlag(scope));
    }
}
