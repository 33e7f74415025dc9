using OpenSips.Mi.Commands;
using OpenSips.Mi.IntegrationTests.Support;

namespace OpenSips.Mi.IntegrationTests.Commands;

/// <summary>
/// <c>t_hash</c> lists tm's 65536 buckets (about 2.4 MB of JSON) and OpenSIPS needs tens of seconds to build it (its
/// JSON builder walks the list for each append; 17 to 46 s measured on every version and transport on a loaded 2-core
/// machine), so it runs once, on 3.6.8 over mi_http, with a two-minute bound. Over mi_datagram the reply cannot fit: OpenSIPS sends a plain-text
/// "500 Internal error" after building it.
/// </summary>
public abstract class THashTests<TServers>(TServers servers) : RealServerTest<TServers>(servers)
    where TServers : OpenSipsServers
{
    [Fact]
    public async Task T_hash_lists_every_bucket_of_the_transaction_table_in_order()
    {
        await using var mi = Servers.Connect(MiTransportKind.Http);
        var options = await mi.TUacDlgAsync("OPTIONS", Servers.Bob.Uri, $"From: <sip:mi@127.0.0.1>;tag=hash\r\nTo: <{Servers.Bob.Uri}>\r\n", timeout: TimeSpan.FromSeconds(10), cancellationToken: Ct);
        Assert.Equal(200, options.StatusCode);

        var buckets = await mi.THashAsync(TimeSpan.FromMinutes(2), Ct);

        Assert.Equal(65536, buckets.Count);
        Assert.Equal(Enumerable.Range(0, 65536), buckets.Select(b => b.Index!.Value));
        Assert.All(buckets, b => Assert.True(b.Current >= 0 && b.Total >= b.Current, $"bucket {b.Index}: {b.Current}/{b.Total}"));
        Assert.Contains(buckets, b => b.Total > 0); // at least the OPTIONS transaction
    }
}

[Collection(V36.Name)]
public sealed class THash36(Servers36 s) : THashTests<Servers36>(s);
