using OpenSips.Mi.Commands;
using OpenSips.Mi.IntegrationTests.Support;
using OpenSips.Mi.ServerFixture;

namespace OpenSips.Mi.IntegrationTests.Commands;

/// <summary>dispatcher's typed commands against the db_text set the fixture writes (set 1, two destinations).</summary>
public abstract class DispatcherCommandsTests<TServers>(TServers servers) : RealServerTest<TServers>(servers)
    where TServers : OpenSipsServers
{
    private IReadOnlyList<string> Destinations => DbTextTables.DispatcherDestinations(Servers.Main.Ports);

    [Fact]
    public async Task Ds_list_gives_the_default_partition_with_the_set_and_its_destinations()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);

        var list = await mi.DsListAsync(cancellationToken: Ct);

        var partition = Assert.Single(list.Partitions);
        Assert.Equal("default", partition.Name);
        var set = Assert.Single(partition.Sets);
        Assert.Equal(DbTextTables.DispatcherSet, set.Id);
        Assert.Equal(Destinations, set.Destinations.Select(d => d.Uri));
        Assert.All(set.Destinations, d => Assert.Equal(DispatcherState.Active, d.State));
        Assert.Equal(["first", "second"], set.Destinations.Select(d => d.Attributes));
        Assert.Equal(Destinations[0]["sip:".Length..], Assert.Single(set.Destinations[0].ResolvedAddresses));
        Assert.Null(set.Destinations[0].Weight);
    }

    [Fact]
    public async Task Ds_list_full_adds_weight_priority_and_description()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);

        var list = await mi.DsListAsync(full: true, cancellationToken: Ct);

        var first = list.Partitions[0].Sets[0].Destinations[0];
        Assert.Equal(1, first.Weight);
        Assert.Equal(0, first.Priority);
        Assert.Equal("first destination", first.Description);
    }

    [Fact]
    public async Task Ds_set_state_marks_a_destination_inactive_until_set_active_again()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);
        try
        {
            await mi.DsSetStateAsync(DispatcherState.Inactive, DbTextTables.DispatcherSet, Destinations[1], cancellationToken: Ct);
            var inactive = await mi.DsListAsync(cancellationToken: Ct);
            await mi.DsSetStateAsync(DispatcherState.Active, DbTextTables.DispatcherSet, Destinations[1], cancellationToken: Ct);
            var active = await mi.DsListAsync(cancellationToken: Ct);

            Assert.Equal([DispatcherState.Active, DispatcherState.Inactive], inactive.Partitions[0].Sets[0].Destinations.Select(d => d.State));
            Assert.Equal("Inactive", inactive.Partitions[0].Sets[0].Destinations[1].StateText);
            Assert.All(active.Partitions[0].Sets[0].Destinations, d => Assert.Equal(DispatcherState.Active, d.State));
        }
        finally
        {
            await mi.DsSetStateAsync(DispatcherState.Active, DbTextTables.DispatcherSet, Destinations[1], cancellationToken: CancellationToken.None);
        }
    }

    [Fact]
    public async Task Ds_set_state_of_an_unknown_destination_is_an_error()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);

        var error = await Assert.ThrowsAsync<MiCommandException>(
            () => mi.DsSetStateAsync(DispatcherState.Inactive, DbTextTables.DispatcherSet, "sip:192.0.2.1:5060", cancellationToken: Ct));

        Assert.Equal(404, error.Code);
    }

    [Fact]
    public async Task Ds_reload_keeps_the_destinations()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);

        await mi.DsReloadAsync(cancellationToken: Ct);
        await mi.DsReloadAsync("default", inheritState: true, Ct);
        var list = await mi.DsListAsync(partition: "default", cancellationToken: Ct);

        Assert.Equal("default", Assert.Single(list.Partitions).Name);
        Assert.Equal(Destinations, list.Partitions[0].Sets[0].Destinations.Select(d => d.Uri));
    }
}

[Collection(V34.Name)]
public sealed class DispatcherCommands34(Servers34 s) : DispatcherCommandsTests<Servers34>(s);

[Collection(V36.Name)]
public sealed class DispatcherCommands36(Servers36 s) : DispatcherCommandsTests<Servers36>(s);

[Collection(V40.Name)]
public sealed class DispatcherCommands40(Servers40 s) : DispatcherCommandsTests<Servers40>(s);
