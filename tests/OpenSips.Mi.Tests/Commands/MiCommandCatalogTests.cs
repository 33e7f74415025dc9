using OpenSips.Mi.Commands;

namespace OpenSips.Mi.Tests.Commands;

public sealed class MiCommandCatalogTests
{
    [Theory]
    [InlineData("ul_show_contact", "usrloc:show_contact", true)]
    [InlineData("t_uac_dlg", "tm:uac_dlg", true)]
    [InlineData("get_statistics", "statistics:get", true)]
    [InlineData("list_tcp_conns", "tcp:list", true)]
    [InlineData("event_subscribe", "evi:subscribe", true)]
    [InlineData("domain_dump", "domain:dump", false)]
    [InlineData("domain_reload", "domain:reload", false)]
    [InlineData("pike_list", "pike:list", false)]
    [InlineData("pike_rm", "pike:rm", false)]
    public void Both_names_find_the_same_command(string v3, string v4, bool kept)
    {
        var byOld = MiCommandCatalog.Find(v3);
        var byNew = MiCommandCatalog.Find(v4);

        Assert.NotNull(byOld);
        Assert.Same(byOld, byNew);
        Assert.Equal(v3, byOld.V3Name);
        Assert.Equal(v4, byOld.V4Name);
        Assert.Equal(kept, byOld.V3NameKeptInV4);
        Assert.Equal(v4.Split(':')[0], byOld.Module);
    }

    [Theory]
    [InlineData("domain_dump", MiDialect.OpenSips4, "domain:dump")]
    [InlineData("domain:dump", MiDialect.OpenSips3, "domain_dump")]
    [InlineData("ul_dump", MiDialect.Unknown, "ul_dump")]
    [InlineData("usrloc:dump", MiDialect.Unknown, "usrloc:dump")]
    [InlineData("b2b_list", MiDialect.OpenSips4, "b2b_list")]
    public void NameFor_maps_a_known_name_to_the_dialect_and_keeps_others(string name, MiDialect dialect, string expected) =>
        Assert.Equal(expected, MiCommandCatalog.NameFor(name, dialect));

    [Fact]
    public void Names_4_0_accepts_include_the_kept_3x_alias_only()
    {
        Assert.Equal(["usrloc:dump", "ul_dump"], MiCommandCatalog.Find("ul_dump")!.NamesAcceptedBy(MiDialect.OpenSips4));
        Assert.Equal(["domain:dump"], MiCommandCatalog.Find("domain_dump")!.NamesAcceptedBy(MiDialect.OpenSips4));
        Assert.Equal(["domain_dump"], MiCommandCatalog.Find("domain_dump")!.NamesAcceptedBy(MiDialect.OpenSips3));
        Assert.Empty(MiCommandCatalog.Find("core:profiling_proc")!.NamesAcceptedBy(MiDialect.OpenSips3));
    }

    [Fact]
    public void Commands_added_after_3_4_list_the_versions_that_have_them()
    {
        Assert.Equal(["3.6.8", "4.0.1"], MiCommandCatalog.Find("dlg_set_profile")!.Versions);
        Assert.Equal(["3.4.18", "3.6.8", "4.0.1"], MiCommandCatalog.Find("ul_dump")!.Versions);
        Assert.Equal(["4.0.1"], MiCommandCatalog.Find("tcp:close")!.Versions);
    }

    [Fact]
    public void Every_name_is_unique_and_4_0_names_carry_their_module_prefix()
    {
        var names = MiCommandCatalog.All.SelectMany(c => new[] { c.V3Name, c.V4Name }).OfType<string>().ToList();

        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        Assert.All(MiCommandCatalog.All, c => Assert.True(c.V3Name is not null || c.V4Name is not null));
        Assert.All(MiCommandCatalog.All.Where(c => c.V4Name is not null), c => Assert.StartsWith(c.Module + ":", c.V4Name, StringComparison.Ordinal));
        Assert.All(MiCommandCatalog.All.Where(c => c.V3Name is not null), c => Assert.DoesNotContain(':', c.V3Name!));
    }

    [Fact]
    public void Every_typed_command_name_is_in_the_catalogue()
    {
        string[] typed =
        [
            "uptime", "version", "which", "ps", "pwd", "arg", "log_level", "reload_routes", "mem_pkg_dump", "mem_shm_dump", "shm_check",
            "list_tcp_conns", "cache_store", "cache_fetch", "cache_remove", "events_list", "subscribers_list", "event_subscribe", "raise_event",
            "get_statistics", "list_statistics", "reset_statistics", "reset_all_statistics",
            "ul_show_contact", "ul_dump", "ul_add", "ul_rm", "ul_rm_contact", "ul_flush", "ul_sync",
            "dlg_list", "dlg_list_ctx", "dlg_end_dlg", "profile_get_size", "profile_list_dlgs", "list_all_profiles",
            "t_uac_dlg", "t_uac_cancel", "t_hash", "t_reply", "ds_list", "ds_set_state", "ds_reload",
            "lb_list", "lb_status", "lb_reload", "lb_resize", "dr_reload", "dr_gw_status", "dr_carrier_status", "dr_number_routing",
            "address_reload", "address_dump", "subnet_dump", "domain_reload", "domain_dump",
        ];

        Assert.All(typed, name => Assert.Equal(["3.4.18", "3.6.8", "4.0.1"], MiCommandCatalog.Find(name)!.Versions));
    }

    [Theory]
    [InlineData(new[] { "uptime", "ul_dump" }, MiDialect.OpenSips3)]
    [InlineData(new[] { "core:uptime", "usrloc:dump" }, MiDialect.OpenSips4)]
    [InlineData(new string[0], MiDialect.Unknown)]
    public void DialectOf_tells_a_which_list_by_its_prefixes(string[] names, MiDialect expected) =>
        Assert.Equal(expected, MiCommandCatalog.DialectOf(names));
}
