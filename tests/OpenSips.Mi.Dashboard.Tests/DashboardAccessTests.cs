using System.Net;
using OpenSips.Mi.Cli;
using OpenSips.Mi.Cli.Dashboard;

namespace OpenSips.Mi.Dashboard.Tests;

/// <summary>Where the dashboard may listen and when it needs a token: decided before anything is bound.</summary>
public sealed class DashboardAccessTests
{
    [Theory]
    [InlineData("http://127.0.0.1:8080", "127.0.0.1", 8080)]
    [InlineData("http://localhost:9000/", "127.0.0.1", 9000)]
    [InlineData("http://[::1]:8080", "::1", 8080)]
    [InlineData("http://127.0.0.1:0", "127.0.0.1", 0)]
    [InlineData("http://0.0.0.0:8080", "0.0.0.0", 8080)]
    [InlineData("http://*:8080", "0.0.0.0", 8080)]
    [InlineData("http://192.0.2.10", "192.0.2.10", 8080)]
    public void Listen_addresses_parse(string text, string address, int port)
    {
        var listen = ListenAddress.Parse(text);

        Assert.Equal(IPAddress.Parse(address), listen.Address);
        Assert.Equal(port, listen.Port);
    }

    [Theory]
    [InlineData("https://127.0.0.1:8080", "TLS reverse proxy")]
    [InlineData("127.0.0.1:8080", "http://HOST:PORT")]
    [InlineData("http://dashboard.example.com:8080", "is not an IP address")]
    [InlineData("http://127.0.0.1:99999", "0-65535")]
    [InlineData("http://[::1", "http://HOST:PORT")]
    public void Bad_listen_addresses_are_usage_errors_that_say_what_to_give(string text, string expected)
    {
        var error = Assert.Throws<UsageException>(() => ListenAddress.Parse(text));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080")]
    [InlineData("http://127.5.6.7:8080")]
    [InlineData("http://[::1]:8080")]
    [InlineData("http://localhost:8080")]
    public void Loopback_needs_no_token(string listen)
    {
        var access = DashboardAccess.Decide(ListenAddress.Parse(listen), token: null, requireToken: false);

        Assert.False(access.TokenRequired);
        Assert.Null(access.Token);
    }

    [Theory]
    [InlineData("http://0.0.0.0:8080")]
    [InlineData("http://[::]:8080")]
    [InlineData("http://192.0.2.10:8080")]
    [InlineData("http://10.1.2.3:8080")]
    public void Any_other_address_requires_a_token_generated_when_none_is_given(string listen)
    {
        var access = DashboardAccess.Decide(ListenAddress.Parse(listen), token: null, requireToken: false);

        Assert.True(access.TokenRequired);
        Assert.True(access.TokenGenerated);
        Assert.Equal(43, access.Token!.Length);
        Assert.Matches("^[A-Za-z0-9_-]+$", access.Token);
    }

    [Fact]
    public void Generated_tokens_differ()
    {
        var listen = ListenAddress.Parse("http://0.0.0.0:8080");

        Assert.NotEqual(DashboardAccess.Decide(listen, null, false).Token, DashboardAccess.Decide(listen, null, false).Token);
    }

    [Fact]
    public void A_given_token_is_used_and_not_reported_as_generated()
    {
        var access = DashboardAccess.Decide(ListenAddress.Parse("http://0.0.0.0:8080"), "correct-horse-battery-staple", requireToken: false);

        Assert.True(access.TokenRequired);
        Assert.False(access.TokenGenerated);
        Assert.True(access.Matches("correct-horse-battery-staple"));
        Assert.False(access.Matches("correct-horse-battery-stapl"));
        Assert.False(access.Matches(null));
    }

    [Fact]
    public void Require_token_forces_token_mode_on_loopback()
    {
        var access = DashboardAccess.Decide(ListenAddress.Parse("http://127.0.0.1:8080"), token: null, requireToken: true);

        Assert.True(access.TokenRequired);
        Assert.True(access.TokenGenerated);
    }

    [Theory]
    [InlineData("short")]
    [InlineData("has a space in it ok")]
    [InlineData("ünïcödé-is-not-ascii")]
    public void Weak_or_unprintable_tokens_are_refused(string token)
    {
        var error = Assert.Throws<UsageException>(() => DashboardAccess.Decide(ListenAddress.Parse("http://0.0.0.0:8080"), token, false));

        Assert.Contains("at least 16 printable ASCII characters", error.Message, StringComparison.Ordinal);
    }
}
