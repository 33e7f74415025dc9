using OpenSips.Mi.IntegrationTests.Support;

namespace OpenSips.Mi.IntegrationTests.Dynamic;

/// <summary>The dynamic surface (<c>client.AsDynamic()</c>) against a real server, over every transport.</summary>
public abstract class RealDynamicSurfaceTests<TServers>(TServers servers) : RealServerTest<TServers>(servers)
    where TServers : OpenSipsServers
{
    [Theory]
    [MemberData(nameof(AllTransports.Kinds), MemberType = typeof(AllTransports))]
    public async Task Positional_arguments_reach_ul_show_contact(MiTransportKind transport)
    {
        await using var client = Servers.Connect(transport);
        dynamic mi = client.AsDynamic();

        MiResponse response = await mi.ul_show_contact("location", "alice");

        var contact = response.GetResult().GetProperty("Contacts")[0];
        Assert.Equal(Servers.Alice.Uri, contact.GetProperty("Contact").GetString());
    }

    [Theory]
    [MemberData(nameof(AllTransports.Kinds), MemberType = typeof(AllTransports))]
    public async Task Named_arguments_and_a_spread_array_reach_their_commands(MiTransportKind transport)
    {
        await using var client = Servers.Connect(transport);
        dynamic mi = client.AsDynamic();

        MiResponse level = await mi.log_level(level: 3, cancellationToken: Ct);
        MiResponse stats = await mi.GetStatistics("dialog:", "tm:");

        Assert.Equal(3, level.GetResult().GetProperty("New global log level").GetInt32());
        Assert.True(stats.GetResult().TryGetProperty("dialog:active_dialogs", out _));
        Assert.True(stats.GetResult().TryGetProperty("tm:UAC_transactions", out _));
    }

    [Fact]
    public async Task A_3x_name_4_0_dropped_still_reaches_its_command()
    {
        await using var client = Servers.Connect(MiTransportKind.Udp);
        dynamic mi = client.AsDynamic();

        MiResponse response = await mi.domain_dump();

        Assert.Equal(Servers.Major >= 4 ? "domain:dump" : "domain_dump", response.Method);
        Assert.Equal("example.test", response.GetResult().GetProperty("Domains")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task Call_sends_a_name_verbatim()
    {
        await using var client = Servers.Connect(MiTransportKind.Udp);
        dynamic mi = client.AsDynamic();

        MiResponse modern = await mi.Call("core:uptime");
        MiResponse classic = await mi.Call("uptime");

        Assert.True(classic.IsSuccess);
        if (Servers.Major >= 4)
        {
            Assert.True(modern.GetResult().TryGetProperty("Up time", out _));
        }
        else
        {
            Assert.Equal(-32601, modern.Error?.Code);
        }
    }
}

[Collection(V34.Name)]
public sealed class RealDynamicSurface34(Servers34 s) : RealDynamicSurfaceTests<Servers34>(s);

[Collection(V36.Name)]
public sealed class RealDynamicSurface36(Servers36 s) : RealDynamicSurfaceTests<Servers36>(s);

[Collection(V40.Name)]
public sealed class RealDynamicSurface40(Servers40 s) : RealDynamicSurfaceTests<Servers40>(s);
