using OpenSips.Mi.Commands;
using OpenSips.Mi.IntegrationTests.Support;
using OpenSips.Mi.ServerFixture;

namespace OpenSips.Mi.IntegrationTests.Commands;

/// <summary>drouting's typed commands against the db_text tables the fixture writes (gateway gw1, carrier carrier1, rule 49 → gw1 in group 0).</summary>
public abstract class DroutingCommandsTests<TServers>(TServers servers) : RealServerTest<TServers>(servers)
    where TServers : OpenSipsServers
{
    [Fact]
    public async Task Dr_gw_status_lists_the_gateway_with_its_address_and_state()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);

        var gateways = await mi.DrGwStatusAllAsync(cancellationToken: Ct);
        var one = await mi.DrGwStatusAsync(DbTextTables.GatewayId, cancellationToken: Ct);

        var gateway = Assert.Single(gateways);
        Assert.Equal(DbTextTables.GatewayId, gateway.Id);
        Assert.Equal(DbTextTables.GatewayAddress(Servers.Main.Ports), gateway.Ip);
        Assert.True(gateway.IsActive);
        Assert.Equal(DbTextTables.GatewayId, one.Id);
        Assert.Equal("Active", one.StateText);
    }

    [Fact]
    public async Task A_gateway_disabled_over_mi_is_reported_so_until_enabled_again()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);
        try
        {
            await mi.DrSetGwStatusAsync(DbTextTables.GatewayId, enabled: false, cancellationToken: Ct);
            var disabled = await mi.DrGwStatusAsync(DbTextTables.GatewayId, cancellationToken: Ct);
            await mi.DrSetGwStatusAsync(DbTextTables.GatewayId, enabled: true, cancellationToken: Ct);
            var enabled = await mi.DrGwStatusAsync(DbTextTables.GatewayId, cancellationToken: Ct);

            Assert.False(disabled.IsActive);
            Assert.Equal("Disabled MI", disabled.StateText);
            Assert.True(enabled.IsActive);
        }
        finally
        {
            await mi.DrSetGwStatusAsync(DbTextTables.GatewayId, enabled: true, cancellationToken: CancellationToken.None);
        }
    }

    [Fact]
    public async Task An_unknown_gateway_is_404()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);

        var error = await Assert.ThrowsAsync<MiCommandException>(() => mi.DrGwStatusAsync("typed-no-gw", cancellationToken: Ct));

        Assert.Equal(404, error.Code);
    }

    [Fact]
    public async Task Dr_carrier_status_lists_the_carrier_and_disables_and_enables_it()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);
        try
        {
            var carriers = await mi.DrCarrierStatusAllAsync(cancellationToken: Ct);
            await mi.DrSetCarrierStatusAsync(DbTextTables.CarrierId, enabled: false, cancellationToken: Ct);
            var disabled = await mi.DrCarrierStatusAsync(DbTextTables.CarrierId, cancellationToken: Ct);
            await mi.DrSetCarrierStatusAsync(DbTextTables.CarrierId, enabled: true, cancellationToken: Ct);
            var enabled = await mi.DrCarrierStatusAsync(DbTextTables.CarrierId, cancellationToken: Ct);

            var carrier = Assert.Single(carriers);
            Assert.Equal(DbTextTables.CarrierId, carrier.Id);
            Assert.True(carrier.Enabled);
            Assert.False(disabled.Enabled);
            Assert.Equal(DbTextTables.CarrierId, disabled.Id);
            Assert.True(enabled.Enabled);
        }
        finally
        {
            await mi.DrSetCarrierStatusAsync(DbTextTables.CarrierId, enabled: true, cancellationToken: CancellationToken.None);
        }
    }

    [Fact]
    public async Task Dr_number_routing_in_the_rule_group_matches_the_prefix_and_its_gateway()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);

        var route = await mi.DrNumberRoutingAsync("4912345", groupId: 0, cancellationToken: Ct);

        Assert.True(route.Matched);
        Assert.Equal("49", route.MatchedPrefix);
        var target = Assert.Single(route.Targets);
        Assert.False(target.IsCarrier);
        Assert.Equal(DbTextTables.GatewayId, target.Id);
    }

    [Theory]
    [InlineData("3312345", 0)]
    [InlineData("4912345", null)]
    public async Task Dr_number_routing_without_a_matching_rule_is_no_match(string number, int? group)
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);

        var route = await mi.DrNumberRoutingAsync(number, group, cancellationToken: Ct);

        Assert.False(route.Matched);
        Assert.Equal("No match", route.Raw.GetString());
    }

    [Fact]
    public async Task Dr_reload_keeps_the_gateway()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);

        await mi.DrReloadAsync(cancellationToken: Ct);
        await mi.DrReloadAsync(inheritState: false, cancellationToken: Ct);

        Assert.Equal(DbTextTables.GatewayId, Assert.Single(await mi.DrGwStatusAllAsync(cancellationToken: Ct)).Id);
    }
}

[Collection(V34.Name)]
public sealed class DroutingCommands34(Servers34 s) : DroutingCommandsTests<Servers34>(s);

[Collection(V36.Name)]
public sealed class DroutingCommands36(Servers36 s) : DroutingCommandsTests<Servers36>(s);

[Collection(V40.Name)]
public sealed class DroutingCommands40(Servers40 s) : DroutingCommandsTests<Servers40>(s);
