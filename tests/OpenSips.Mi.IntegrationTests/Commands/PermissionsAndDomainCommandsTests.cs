using OpenSips.Mi.Commands;
using OpenSips.Mi.IntegrationTests.Support;
using OpenSips.Mi.ServerFixture;

namespace OpenSips.Mi.IntegrationTests.Commands;

/// <summary>permissions and domain typed commands against the db_text tables the fixture writes.</summary>
public abstract class PermissionsAndDomainCommandsTests<TServers>(TServers servers) : RealServerTest<TServers>(servers)
    where TServers : OpenSipsServers
{
    [Fact]
    public async Task Address_dump_gives_the_loopback_address_of_the_default_partition()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);

        var dump = await mi.AddressDumpAsync(cancellationToken: Ct);

        var partition = Assert.Single(dump);
        Assert.Equal("default", partition.Name);
        var entry = Assert.Single(partition.Entries);
        Assert.Equal(DbTextTables.AddressGroup, entry.Group);
        Assert.Equal("127.0.0.1", entry.Ip);
        Assert.Equal(32, entry.Mask);
        Assert.Equal(0, entry.Port);
        Assert.Equal("any", entry.Protocol);
        Assert.Equal("loopback", entry.ContextInfo);
    }

    [Fact]
    public async Task Address_dump_of_one_partition_names_it()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);

        var dump = await mi.AddressDumpAsync("default", Ct);

        var partition = Assert.Single(dump);
        Assert.Equal("default", partition.Name);
        Assert.Equal("127.0.0.1", Assert.Single(partition.Entries).Ip);
    }

    [Fact]
    public async Task Subnet_dump_has_the_partition_without_subnets()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);

        var dump = await mi.SubnetDumpAsync(cancellationToken: Ct);

        Assert.Equal("default", Assert.Single(dump).Name);
        Assert.Empty(dump[0].Entries);
    }

    [Fact]
    public async Task Address_reload_keeps_the_address()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);

        await mi.AddressReloadAsync(cancellationToken: Ct);
        await mi.AddressReloadAsync("default", Ct);

        Assert.Equal("127.0.0.1", Assert.Single(Assert.Single(await mi.AddressDumpAsync(cancellationToken: Ct)).Entries).Ip);
    }

    [Fact]
    public async Task Domain_dump_and_reload_work_under_the_name_the_server_answers_to()
    {
        await using var mi = Servers.Connect(MiTransportKind.Udp);

        await mi.DomainReloadAsync(Ct);
        var domains = await mi.DomainDumpAsync(Ct);

        var domain = Assert.Single(domains);
        Assert.Equal(DbTextTables.Domain, domain.Name);
        Assert.Null(domain.Attributes);
        Assert.Equal(Servers.Major >= 4 ? MiDialect.OpenSips4 : MiDialect.OpenSips3, mi.Dialect);
    }
}

[Collection(V34.Name)]
public sealed class PermissionsAndDomainCommands34(Servers34 s) : PermissionsAndDomainCommandsTests<Servers34>(s);

[Collection(V36.Name)]
public sealed class PermissionsAndDomainCommands36(Servers36 s) : PermissionsAndDomainCommandsTests<Servers36>(s);

[Collection(V40.Name)]
public sealed class PermissionsAndDomainCommands40(Servers40 s) : PermissionsAndDomainCommandsTests<Servers40>(s);
