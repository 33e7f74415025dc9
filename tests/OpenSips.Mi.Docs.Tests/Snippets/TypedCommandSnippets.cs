using OpenSips.Mi.Commands;

namespace OpenSips.Mi.Docs.Tests.Snippets;

public static class TypedCommandSnippets
{
    [Runs]
    public static async Task Typed(MiClient mi)
    {
        #region typed-commands
        UptimeInfo up = await mi.UptimeAsync();
        Console.WriteLine($"{up.UpTime} ({up.UpTimeText}) since {up.UpSince}");

        VersionInfo version = await mi.VersionAsync();                            // version.Version: 3.6.8

        MiStatisticValues stats = await mi.GetStatisticsAsync("dialog:", "tm:");
        long active = stats["dialog:active_dialogs"];
        IReadOnlyDictionary<string, long> tm = stats.Group("tm");                 // keyed "UAC_transactions", …

        UsrlocAor alice = await mi.UlShowContactAsync("location", "alice");
        foreach (UsrlocContact c in alice.Contacts)
        {
            Console.WriteLine($"{c.Contact} expires in {c.Expires}s via {c.Socket}");
        }

        await mi.SetLogLevelAsync(3);

        try
        {
            await mi.UlShowContactAsync("location", "nobody");
        }
        catch (MiCommandException ex) when (ex.Code == 404)
        {
            Console.WriteLine(ex.Error.Message);                                  // AOR not found
        }
        #endregion

        Assert.Equal("3.6.8", version.Version?.ToString());
        Assert.NotEmpty(tm);
        Assert.Equal(0, active);
    }

    [CompileOnly("load_balancer, dispatcher and drouting are not emulated; see tests/OpenSips.Mi.Tests/Commands/ModuleCommandsTests.cs")]
    public static async Task Modules(MiClient mi)
    {
        #region typed-module-commands
        await mi.LbSetStatusAsync(1, enabled: false);       // the gem's lb_status([1, 0])
        await mi.DsReloadAsync();
        await mi.DrReloadAsync();
        #endregion
    }
}
