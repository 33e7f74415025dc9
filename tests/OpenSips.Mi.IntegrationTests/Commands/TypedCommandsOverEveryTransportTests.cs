using OpenSips.Mi.Commands;
using OpenSips.Mi.IntegrationTests.Support;
using OpenSips.Mi.ServerFixture;

namespace OpenSips.Mi.IntegrationTests.Commands;

/// <summary>
/// Typed commands read the same values whatever the transport carried (XML-RPC turns numbers, nulls and booleans into
/// its own types, which the typed readers must accept).
/// </summary>
public abstract class TypedCommandsOverEveryTransportTests<TServers>(TServers servers) : RealServerTest<TServers>(servers)
    where TServers : OpenSipsServers
{
    [Theory]
    [MemberData(nameof(AllTransports.Kinds), MemberType = typeof(AllTransports))]
    public async Task Core_and_usrloc_values_read_the_same(MiTransportKind transport)
    {
        await using var mi = Servers.Connect(transport);
        var server = Servers.ServerFor(transport);

        var version = await mi.VersionAsync(Ct);
        var uptime = await mi.UptimeAsync(Ct);
        var processes = await mi.PsAsync(Ct);
        var alice = await mi.UlShowContactAsync("location", "alice", Ct);
        var stats = await mi.GetStatisticsAsync(["usrloc:"], Ct);

        Assert.Equal(Version.Parse(Servers.Version), version.Version);
        Assert.NotNull(uptime.UpTime);
        Assert.Equal(server.ProcessId, processes[0].Pid);
        var contact = Assert.Single(alice.Contacts);
        Assert.Equal(Servers.Alice.Uri, contact.Contact);
        Assert.Equal(4294967295L, contact.Methods);
        Assert.InRange(contact.Expires!.Value, 1, 3600);
        Assert.True(stats["usrloc:registered_users"] >= 2);
    }

    [Theory]
    [MemberData(nameof(AllTransports.Kinds), MemberType = typeof(AllTransports))]
    public async Task Dialog_profile_and_module_values_read_the_same(MiTransportKind transport)
    {
        await using var mi = Servers.Connect(transport);
        var ports = Servers.ServerFor(transport).Ports;

        var size = await mi.ProfileGetSizeAsync("calls", cancellationToken: Ct);
        var profiles = await mi.ListAllProfilesAsync(Ct);
        var dispatcher = await mi.DsListAsync(full: true, cancellationToken: Ct);
        var balancer = await mi.LbListAsync(Ct);
        var addresses = await mi.AddressDumpAsync(cancellationToken: Ct);
        var gateway = await mi.DrGwStatusAsync(DbTextTables.GatewayId, cancellationToken: Ct);
        var domains = await mi.DomainDumpAsync(Ct);

        Assert.Equal(0, size.Count);
        Assert.False(size.Shared);
        Assert.Contains(profiles, p => p.Name == "caller" && p.HasValue == true);
        Assert.Contains(profiles, p => p.Name == "calls" && p.HasValue == false);
        var destination = dispatcher.Partitions[0].Sets[0].Destinations[0];
        Assert.Equal(DbTextTables.DispatcherDestinations(ports)[0], destination.Uri);
        Assert.Equal(1, destination.Weight);
        Assert.Equal(DispatcherState.Active, destination.State);
        Assert.Equal(10, Assert.Single(Assert.Single(balancer).Resources).Max);
        Assert.True(balancer[0].Enabled);
        Assert.Equal(32, Assert.Single(addresses[0].Entries).Mask);
        Assert.True(gateway.IsActive);
        Assert.Equal(DbTextTables.Domain, Assert.Single(domains).Name);
    }

    [Theory]
    [MemberData(nameof(AllTransports.Kinds), MemberType = typeof(AllTransports))]
    public async Task A_cached_value_and_an_error_read_the_same(MiTransportKind transport)
    {
        await using var mi = Servers.Connect(transport);
        var key = $"typed-{transport}-{Guid.NewGuid():N}";

        await mi.CacheStoreAsync("local", key, "<b>&amp; \"quoted\"</b>", cancellationToken: Ct);
        var value = await mi.CacheFetchAsync("local", key, Ct);
        await mi.CacheRemoveAsync("local", key, Ct);
        var error = await Assert.ThrowsAsync<MiCommandException>(() => mi.UlShowContactAsync("location", "typed-nobody", Ct));

        Assert.Equal("<b>&amp; \"quoted\"</b>", value);
        Assert.Equal(404, error.Code);
    }
}

[Collection(V34.Name)]
public sealed class TypedCommandsOverEveryTransport34(Servers34 s) : TypedCommandsOverEveryTransportTests<Servers34>(s);

[Collection(V36.Name)]
public sealed class TypedCommandsOverEveryTransport36(Servers36 s) : TypedCommandsOverEveryTransportTests<Servers36>(s);

[Collection(V40.Name)]
public sealed class TypedCommandsOverEveryTransport40(Servers40 s) : TypedCommandsOverEveryTransportTests<Servers40>(s);
