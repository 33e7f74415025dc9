using OpenSips.Mi.Commands;
using OpenSips.Mi.Testing;

namespace OpenSips.Mi.Tests.Commands;

/// <summary>
/// dispatcher, load_balancer, drouting, permissions and domain: the emulator does not implement them, so each test
/// registers the command with its 3.6.8 recipes (so a wrong parameter shape is answered -32602 like OpenSIPS) and a
/// reply built from the module's source (documented shape, not a capture).
/// </summary>
public sealed class ModuleCommandsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly MiCommandRecipes DsList = DocumentedRecipes.Of([], ["partition"], ["full"], ["full", "partition"]);
    private static readonly MiCommandRecipes DsSetState = DocumentedRecipes.Of(["state", "group", "address"]);
    private static readonly MiCommandRecipes DsReload = DocumentedRecipes.Of([], ["inherit_state"], ["partition"], ["partition", "inherit_state"]);
    private static readonly MiCommandRecipes LbStatus = DocumentedRecipes.Of(["destination_id"], ["destination_id", "new_status"]);
    private static readonly MiCommandRecipes LbResize = DocumentedRecipes.Of(["destination_id", "res_name", "new_capacity"]);
    private static readonly MiCommandRecipes DrReload = DocumentedRecipes.Of([], ["inherit_state"], ["partition_name"], ["partition_name", "inherit_state"]);
    private static readonly MiCommandRecipes DrGwStatus = DocumentedRecipes.NamedOnly(
        [], ["partition_name"], ["gw_id"], ["gw_id", "status"], ["partition_name", "gw_id"], ["partition_name", "gw_id", "status"]);
    private static readonly MiCommandRecipes DrCarrierStatus = DocumentedRecipes.NamedOnly(
        [], ["partition_name"], ["carrier_id"], ["carrier_id", "status"], ["partition_name", "carrier_id"], ["partition_name", "carrier_id", "status"]);
    private static readonly MiCommandRecipes DrNumberRouting = DocumentedRecipes.NamedOnly(
        ["number"], ["group_id", "number"], ["partition_name", "number"], ["partition_name", "group_id", "number"]);
    private static readonly MiCommandRecipes PartitionOptional = DocumentedRecipes.Of([], ["partition"]);

    private const string DsListJson =
        "{\"PARTITIONS\":[{\"name\":\"default\",\"SETS\":[{\"id\":1,\"Destinations\":[" +
        "{\"URI\":\"sip:10.0.0.2:5060\",\"state\":\"Active\",\"first_hit_counter\":12,\"attr\":\"gw=a\",\"weight\":1,\"priority\":0,\"description\":\"pbx a\",\"resolved_addresses\":[\"10.0.0.2:5060\"]}," +
        "{\"URI\":\"sip:10.0.0.3:5060\",\"state\":\"Probing\",\"first_hit_counter\":0,\"resolved_addresses\":[]}]}]}," +
        "{\"name\":\"empty\"}]}";

    [Fact]
    public async Task Dispatcher_list_reads_partitions_sets_and_destinations()
    {
        await using var s = await EmulatorSession.StartAsync();
        s.Answer("ds_list", DsList, DsListJson);
        var list = await s.Client.DsListAsync(full: true, cancellationToken: Ct);
        Assert.Equal("{\"full\":1}", s.ParamsOf("ds_list"));
        Assert.Equal(2, list.Partitions.Count);
        Assert.Empty(list.Partitions[1].Sets);
        var set = Assert.Single(list.Partitions[0].Sets);
        Assert.Equal(1, set.Id);
        Assert.Equal(DispatcherState.Active, set.Destinations[0].State);
        Assert.Equal(DispatcherState.Probing, set.Destinations[1].State);
        Assert.Equal(12, set.Destinations[0].FirstHitCounter);
        Assert.Equal(1, set.Destinations[0].Weight);
        Assert.Null(set.Destinations[1].Weight);
        Assert.Equal(["10.0.0.2:5060"], set.Destinations[0].ResolvedAddresses);

        await s.Client.DsListAsync(partition: "default", cancellationToken: Ct);
        Assert.Equal("{\"partition\":\"default\"}", s.ParamsOf("ds_list"));
    }

    [Fact]
    public async Task Dispatcher_set_state_and_reload_send_their_recipes()
    {
        await using var s = await EmulatorSession.StartAsync();
        s.AnswerOk("ds_set_state", DsSetState);
        s.AnswerOk("ds_reload", DsReload);
        await s.Client.DsSetStateAsync(DispatcherState.Inactive, 1, "sip:10.0.0.2:5060", cancellationToken: Ct);
        Assert.Equal("{\"state\":\"i\",\"group\":\"1\",\"address\":\"sip:10.0.0.2:5060\"}", s.ParamsOf("ds_set_state"));
        await s.Client.DsSetStateAsync(DispatcherState.Probing, 2, "sip:x", "p1", Ct);
        Assert.Equal("{\"state\":\"p\",\"group\":\"p1:2\",\"address\":\"sip:x\"}", s.ParamsOf("ds_set_state"));
        await s.Client.DsReloadAsync(cancellationToken: Ct);
        Assert.Equal(string.Empty, s.ParamsOf("ds_reload"));
        await s.Client.DsReloadAsync("p1", false, Ct);
        Assert.Equal("{\"partition\":\"p1\",\"inherit_state\":0}", s.ParamsOf("ds_reload"));
    }

    [Fact]
    public async Task Load_balancer_list_status_reload_and_resize()
    {
        await using var s = await EmulatorSession.StartAsync();
        s.Answer("lb_list", MiCommandRecipes.NoParams,
            "{\"Destinations\":[{\"uri\":\"sip:10.0.0.5\",\"id\":1,\"group\":1,\"enabled\":\"yes\",\"auto-reenable\":\"on\",\"Resources\":[{\"name\":\"pstn\",\"max\":30,\"load\":4}]}," +
            "{\"uri\":\"sip:10.0.0.6\",\"id\":2,\"group\":1,\"enabled\":\"no\",\"auto-reenable\":\"off\",\"Resources\":[],\"attrs\":\"x=1\"}]}");
        var statuses = new Dictionary<int, bool> { [1] = true };
        s.Emulator.Handle("lb_status", LbStatus, r =>
        {
            var id = r.GetInt("destination_id", 0) ?? 0;
            if (r.HasParam("new_status", 1))
            {
                statuses[id] = r.GetInt("new_status", 1) != 0;
                return MiEmulatorReply.Ok;
            }

            return MiEmulatorReply.Result(new System.Text.Json.Nodes.JsonObject { ["enable"] = statuses[id] ? "yes" : "no" });
        });
        s.AnswerOk("lb_reload", MiCommandRecipes.NoParams);
        s.AnswerOk("lb_resize", LbResize);

        var list = await s.Client.LbListAsync(Ct);
        Assert.Equal(2, list.Count);
        Assert.True(list[0].Enabled);
        Assert.True(list[0].AutoReenable);
        Assert.Equal(new LoadBalancerResource("pstn", 30, 4, list[0].Resources[0].Raw), list[0].Resources[0]);
        Assert.False(list[1].Enabled);
        Assert.Equal("x=1", list[1].Attributes);

        await s.Client.LbSetStatusAsync(1, enabled: false, Ct);
        Assert.Equal("[1,0]", s.ParamsOf("lb_status"));
        Assert.False((await s.Client.LbStatusAsync(1, Ct)).Enabled);
        Assert.Equal("[1]", s.ParamsOf("lb_status"));

        await s.Client.LbReloadAsync(Ct);
        await s.Client.LbResizeAsync(1, "pstn", 60, Ct);
        Assert.Equal("[1,\"pstn\",60]", s.ParamsOf("lb_resize"));
    }

    [Fact]
    public async Task Drouting_gateways_carriers_and_routing_use_named_params()
    {
        await using var s = await EmulatorSession.StartAsync();
        s.AnswerOk("dr_reload", DrReload);
        s.Emulator.Handle("dr_gw_status", DrGwStatus, r => r.HasParam("status") ? MiEmulatorReply.Ok
            : r.HasParam("gw_id") ? MiEmulatorReply.Result(System.Text.Json.Nodes.JsonNode.Parse("{\"ATTRS\":\"a=1\",\"State\":\"Disabled MI\"}"))
            : MiEmulatorReply.Result(System.Text.Json.Nodes.JsonNode.Parse("{\"Gateways\":[{\"ID\":\"gw1\",\"IP\":\"10.0.0.9:5060\",\"State\":\"Active\"},{\"ID\":\"gw2\",\"IP\":\"10.0.0.10\",\"ATTRS\":\"b\",\"State\":\"Probing\"}]}")));
        s.Emulator.Handle("dr_carrier_status", DrCarrierStatus, r => r.HasParam("status") ? MiEmulatorReply.Ok
            : r.HasParam("carrier_id") ? MiEmulatorReply.Result(System.Text.Json.Nodes.JsonNode.Parse("{\"Enabled\":\"no \"}"))
            : MiEmulatorReply.Result(System.Text.Json.Nodes.JsonNode.Parse("{\"Carriers\":[{\"ID\":\"c1\",\"Enabled\":\"yes\"}]}")));
        s.Emulator.Handle("dr_number_routing", DrNumberRouting, r => r.GetString("number") == "999"
            ? MiEmulatorReply.Result(System.Text.Json.Nodes.JsonValue.Create("No match"))
            : MiEmulatorReply.Result(System.Text.Json.Nodes.JsonNode.Parse("{\"Matched Prefix\":\"+41\",\"GW List\":[{\"GATEWAY\":\"gw1\"},{\"CARRIER\":\"c1\"}],\"ATTRS\":\"r=1\"}")));

        await s.Client.DrReloadAsync(cancellationToken: Ct);
        await s.Client.DrReloadAsync("p1", true, Ct);
        Assert.Equal("{\"partition_name\":\"p1\",\"inherit_state\":1}", s.ParamsOf("dr_reload"));

        var gateways = await s.Client.DrGwStatusAllAsync(cancellationToken: Ct);
        Assert.Equal(string.Empty, s.ParamsOf("dr_gw_status"));
        Assert.True(gateways[0].IsActive);
        Assert.Equal("Probing", gateways[1].StateText);
        var gw = await s.Client.DrGwStatusAsync("gw1", cancellationToken: Ct);
        Assert.Equal("{\"gw_id\":\"gw1\"}", s.ParamsOf("dr_gw_status"));
        Assert.Equal(("gw1", "a=1", "Disabled MI", false), (gw.Id, gw.Attributes, gw.StateText, gw.IsActive));
        await s.Client.DrSetGwStatusAsync("gw1", false, "p1", Ct);
        Assert.Equal("{\"partition_name\":\"p1\",\"gw_id\":\"gw1\",\"status\":0}", s.ParamsOf("dr_gw_status"));

        Assert.True(Assert.Single(await s.Client.DrCarrierStatusAllAsync(cancellationToken: Ct)).Enabled);
        Assert.False((await s.Client.DrCarrierStatusAsync("c1", cancellationToken: Ct)).Enabled);
        await s.Client.DrSetCarrierStatusAsync("c1", true, cancellationToken: Ct);
        Assert.Equal("{\"carrier_id\":\"c1\",\"status\":1}", s.ParamsOf("dr_carrier_status"));

        var route = await s.Client.DrNumberRoutingAsync("+4121555", groupId: 1, cancellationToken: Ct);
        Assert.Equal("{\"group_id\":1,\"number\":\"+4121555\"}", s.ParamsOf("dr_number_routing"));
        Assert.True(route.Matched);
        Assert.Equal("+41", route.MatchedPrefix);
        Assert.Equal([new DrRouteTarget(false, "gw1"), new DrRouteTarget(true, "c1")], route.Targets);
        Assert.False((await s.Client.DrNumberRoutingAsync("999", cancellationToken: Ct)).Matched);
    }

    [Fact]
    public async Task Permissions_dumps_read_all_partitions_or_one()
    {
        await using var s = await EmulatorSession.StartAsync();
        s.AnswerOk("address_reload", PartitionOptional);
        s.Emulator.Handle("address_dump", PartitionOptional, r => MiEmulatorReply.Result(System.Text.Json.Nodes.JsonNode.Parse(r.HasParam("partition", 0)
            ? "{\"part\":\"default\",\"Destinations\":[{\"grp\":1,\"ip\":\"10.0.0.1\",\"mask\":\"32\",\"port\":0,\"proto\":\"any\",\"pattern\":\"\",\"context_info\":\"\"}]}"
            : "{\"Partitions\":[{\"name\":\"default\",\"Destinations\":[{\"grp\":1,\"ip\":\"10.0.0.1\",\"mask\":\"32\",\"port\":5060,\"proto\":\"udp\",\"pattern\":\"^sip:.*\",\"context_info\":\"pbx\"}]}]}")));
        s.Answer("subnet_dump", PartitionOptional, "{\"Partitions\":[{\"name\":\"default\",\"Destinations\":[{\"grp\":2,\"ip\":\"192.168.0.0\",\"mask\":\"16\",\"port\":0,\"proto\":\"any\",\"pattern\":\"\",\"context_info\":\"\"}]}]}");

        await s.Client.AddressReloadAsync(cancellationToken: Ct);
        await s.Client.AddressReloadAsync("default", Ct);
        Assert.Equal("[\"default\"]", s.ParamsOf("address_reload"));

        var all = await s.Client.AddressDumpAsync(cancellationToken: Ct);
        var entry = Assert.Single(Assert.Single(all).Entries);
        Assert.Equal(new PermissionsEntry(1, "10.0.0.1", 32, 5060, "udp", "^sip:.*", "pbx", entry.Raw), entry);
        var one = await s.Client.AddressDumpAsync("default", Ct);
        Assert.Equal("default", Assert.Single(one).Name);

        var subnets = await s.Client.SubnetDumpAsync(cancellationToken: Ct);
        Assert.Equal(16, subnets[0].Entries[0].Mask);
    }

    [Fact]
    public async Task Domain_reload_and_dump()
    {
        await using var s = await EmulatorSession.StartAsync();
        s.AnswerOk("domain_reload", MiCommandRecipes.NoParams);
        s.Answer("domain_dump", MiCommandRecipes.NoParams, "{\"Domains\":[{\"name\":\"example.com\"},{\"name\":\"example.net\",\"attributes\":\"tenant=2\"}]}");
        await s.Client.DomainReloadAsync(Ct);
        var domains = await s.Client.DomainDumpAsync(Ct);
        Assert.Equal(["example.com", "example.net"], domains.Select(d => d.Name));
        Assert.Equal("tenant=2", domains[1].Attributes);

        s.Emulator.Handle("domain_dump", _ => MiEmulatorReply.Error(500, "DB is disabled (db_mode=0)"));
        Assert.Equal(500, (await Assert.ThrowsAsync<MiCommandException>(() => s.Client.DomainDumpAsync(Ct))).Code);
    }
}
