using OpenSips.Mi.Commands;
using OpenSips.Mi.IntegrationTests.Support;

namespace OpenSips.Mi.IntegrationTests.Commands;

/// <summary>
/// The command names of each version: what <c>which</c> lists equals the captured file (Data/) and the library's
/// <see cref="MiCommandCatalog"/>, and each name the catalogue says a version accepts is accepted (and the others refused).
/// </summary>
public abstract class CommandCatalogTests<TServers>(TServers servers) : RealServerTest<TServers>(servers)
    where TServers : OpenSipsServers
{
    private MiDialect Dialect => Servers.Major >= 4 ? MiDialect.OpenSips4 : MiDialect.OpenSips3;

    [Fact]
    public async Task Which_lists_exactly_the_captured_names_in_the_same_order()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);

        var names = await mi.WhichAsync(Ct);

        Assert.Equal(File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Data", $"which-{Servers.Version}.txt")), names);
    }

    [Fact]
    public async Task Which_lists_exactly_the_catalogue_commands_of_this_version_under_its_dialect_names()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);

        var names = await mi.WhichAsync(Ct);

        var expected = MiCommandCatalog.All.Where(c => c.Versions.Contains(Servers.Version)).Select(c => c.NameFor(Dialect));
        Assert.Equal(expected.Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));
        Assert.All(names, n => Assert.NotNull(MiCommandCatalog.Find(n)));
    }

    [Fact]
    public async Task Every_name_the_catalogue_says_this_version_accepts_is_accepted_and_no_other()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);
        var wrong = new List<string>();

        foreach (var command in MiCommandCatalog.All)
        {
            var accepted = command.Versions.Contains(Servers.Version) ? command.NamesAcceptedBy(Dialect) : [];
            foreach (var name in new[] { command.V3Name, command.V4Name }.OfType<string>())
            {
                // A parameter no recipe has: the server answers -32602 for a name it knows, before running anything.
                var response = await mi.CommandAsync(name, MiParams.Named(("typed_probe", 0)), Ct);
                var known = response.Error?.Code != -32601;
                if (known != accepted.Contains(name))
                {
                    wrong.Add($"{name}: {(known ? "accepted" : "refused")} ({response})");
                }
            }
        }

        Assert.Empty(wrong);
    }

    [Fact]
    public async Task A_bare_local_name_shared_by_modules_is_ambiguous_on_4_0_and_unknown_on_3x()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);

        var response = await mi.CommandAsync("dump", MiParams.Named(("typed_probe", 0)), Ct);

        if (Servers.Major >= 4)
        {
            Assert.Equal(-32001, response.Error?.Code);
            Assert.Equal("Method ambiguous", response.Error?.Message);
            Assert.Equal("supported names: usrloc:dump, db_text:dump, domain:dump", response.Error?.DataText);
        }
        else
        {
            Assert.Equal(-32601, response.Error?.Code);
        }
    }
}

[Collection(V34.Name)]
public sealed class CommandCatalog34(Servers34 s) : CommandCatalogTests<Servers34>(s);

[Collection(V36.Name)]
public sealed class CommandCatalog36(Servers36 s) : CommandCatalogTests<Servers36>(s);

[Collection(V40.Name)]
public sealed class CommandCatalog40(Servers40 s) : CommandCatalogTests<Servers40>(s);
