using OpenSips.Mi.Commands;
using OpenSips.Mi.IntegrationTests.Support;
using OpenSips.Mi.ServerFixture;

namespace OpenSips.Mi.IntegrationTests.Commands;

/// <summary>load_balancer's typed commands against the db_text destination the fixture writes (id 1, group 1, pstn=10).</summary>
public abstract class LoadBalancerCommandsTests<TServers>(TServers servers) : RealServerTest<TServers>(servers)
    where TServers : OpenSipsServers
{
    [Fact]
    public async Task Lb_list_gives_the_destination_with_its_resource_capacity_and_load()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);

        var list = await mi.LbListAsync(Ct);

        var destination = Assert.Single(list);
        Assert.Equal(1, destination.Id);
        Assert.Equal(DbTextTables.LoadBalancerGroup, destination.Group);
        Assert.Equal(DbTextTables.LoadBalancerDestination(Servers.Main.Ports), destination.Uri);
        Assert.True(destination.Enabled);
        Assert.True(destination.AutoReenable);
        var resource = Assert.Single(destination.Resources);
        Assert.Equal("pstn", resource.Name);
        Assert.Equal(10, resource.Max);
        Assert.Equal(0, resource.Load);
    }

    [Fact]
    public async Task Lb_status_disables_and_enables_a_destination()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);
        try
        {
            await mi.LbSetStatusAsync(1, enabled: false, Ct);
            var disabled = await mi.LbStatusAsync(1, Ct);
            var listed = await mi.LbListAsync(Ct);
            await mi.LbSetStatusAsync(1, enabled: true, Ct);
            var enabled = await mi.LbStatusAsync(1, Ct);

            Assert.False(disabled.Enabled);
            Assert.False(Assert.Single(listed).Enabled);
            Assert.True(enabled.Enabled);
        }
        finally
        {
            await mi.LbSetStatusAsync(1, enabled: true, CancellationToken.None);
        }
    }

    [Fact]
    public async Task Lb_resize_changes_the_capacity_shown_by_lb_list()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);
        try
        {
            await mi.LbResizeAsync(1, "pstn", 20, Ct);

            Assert.Equal(20, Assert.Single(Assert.Single(await mi.LbListAsync(Ct)).Resources).Max);
        }
        finally
        {
            await mi.LbResizeAsync(1, "pstn", 10, CancellationToken.None);
        }
    }

    [Fact]
    public async Task Lb_status_of_an_unknown_destination_is_404()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);

        var error = await Assert.ThrowsAsync<MiCommandException>(() => mi.LbStatusAsync(99, Ct));

        Assert.Equal(404, error.Code);
    }

    [Fact]
    public async Task Lb_reload_keeps_the_destination()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);

        await mi.LbReloadAsync(Ct);

        Assert.Equal(DbTextTables.LoadBalancerDestination(Servers.Main.Ports), Assert.Single(await mi.LbListAsync(Ct)).Uri);
    }
}

[Collection(V34.Name)]
public sealed class LoadBalancerCommands34(Servers34 s) : LoadBalancerCommandsTests<Servers34>(s);

[Collection(V36.Name)]
public sealed class LoadBalancerCommands36(Servers36 s) : LoadBalancerCommandsTests<Servers36>(s);

[Collection(V40.Name)]
public sealed class LoadBalancerCommands40(Servers40 s) : LoadBalancerCommandsTests<Servers40>(s);
