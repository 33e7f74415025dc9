using OpenSips.Mi.Commands;

namespace OpenSips.Mi.Docs.Tests.Snippets;

public static class VersionSnippets
{
    [CompileOnly("domain_dump needs the domain module, which the emulator does not emulate")]
    public static async Task Dialects()
    {
        #region versions-dialect
        await using var mi = MiClient.Connect("udp://127.0.0.1:8809");

        var version = await mi.VersionAsync();          // "OpenSIPS (4.0.1 (x86_64/linux))"; mi.Dialect is now OpenSips4
        var domains = await mi.DomainDumpAsync();       // sent as domain:dump on 4.0, domain_dump on 3.x
        var alice = await mi.UlShowContactAsync("location", "alice"); // usrloc:show_contact on 4.0

        MiCommandName entry = MiCommandCatalog.Find("ul_dump")!;
        Console.WriteLine($"{entry.V3Name} is {entry.V4Name} on 4.0; alias kept: {entry.V3NameKeptInV4}");
        Console.WriteLine(MiCommandCatalog.NameFor("domain_dump", MiDialect.OpenSips4));   // domain:dump
        Console.WriteLine(string.Join(", ", entry.NamesAcceptedBy(MiDialect.OpenSips4))); // usrloc:dump, ul_dump

        mi.Dialect = MiDialect.OpenSips4;               // when you already know the server
        #endregion
    }
}
