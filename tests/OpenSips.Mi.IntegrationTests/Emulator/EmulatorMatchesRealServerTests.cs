using System.Globalization;
using System.Net;
using System.Text;
using OpenSips.Mi.IntegrationTests.Support;
using OpenSips.Mi.Testing;

namespace OpenSips.Mi.IntegrationTests.Emulator;

/// <summary>
/// The emulator checked against the real server: every case of <see cref="ShapeCases"/> goes to a fresh emulator and
/// to the real server over the same transport, step by step, and each pair of replies must have the same shape
/// (see <see cref="ShapeComparer"/>). A failure lists every difference with both raw replies.
/// </summary>
public abstract class EmulatorMatchesRealServerTests<TServers>(TServers servers) : RealServerTest<TServers>(servers)
    where TServers : OpenSipsServers
{
    private static int _run = Random.Shared.Next(1000, 9000);

    /// <summary>The emulator options that answer as this server version does.</summary>
    protected abstract MiEmulatorOptions EmulatorOptions { get; }

    protected async Task CompareAsync(string caseName, WireTransport transport)
    {
        var shapeCase = ShapeCases.Get(caseName);
        // The fixture's main instance loads no tracer, so the emulated one is left out too (its commands would be in which).
        await using var emulator = await MiEmulator.StartAsync(EmulatorOptions with { EnableFifo = false, EnableUnix = false, EnableTracer = false }, Ct);
        using var emu = new WireClient(emulator.HttpUri, emulator.XmlRpcUri, emulator.UdpEndPoint);
        using var real = new WireClient(
            new Uri(Servers.Main.HttpUri), new Uri(Servers.Main.XmlRpcUri["xmlrpc+".Length..]), new IPEndPoint(IPAddress.Loopback, Servers.Main.Ports.MiDatagram));
        var run = Interlocked.Increment(ref _run);
        var aor = string.Create(CultureInfo.InvariantCulture, $"shape{run}");
        var key = string.Create(CultureInfo.InvariantCulture, $"shape-key-{run}");
        var port = 20000 + (run % 40000);
        var report = new StringBuilder();
        var failures = 0;
        foreach (var step in shapeCase.Steps)
        {
            if (step.Method == ShapeStep.Wait)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(1100), Ct);
                continue;
            }

            if (step.Method == ShapeStep.Align)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(1010 - DateTimeOffset.UtcNow.Millisecond), Ct);
                continue;
            }

            var parameters = step.ParamsFor(aor, key, port);
            var e = await emu.SendAsync(transport, step.Method, parameters, Ct);
            var r = await real.SendAsync(transport, step.Method, parameters, Ct);
            if (!step.Compare)
            {
                continue;
            }

            var diffs = ShapeComparer.Compare(e, r, step.Rules ?? ShapeRules.Default);
            report.Append(diffs.Count == 0 ? "  same  " : "  DIFF  ").Append(step).Append('\n');
            if (diffs.Count > 0)
            {
                failures++;
                foreach (var d in diffs)
                {
                    report.Append("        ").Append(d).Append('\n');
                }

                report.Append("        emulator: ").Append(e).Append('\n');
                report.Append("        real:     ").Append(r).Append('\n');
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine(report.ToString());
        Assert.True(failures == 0, $"{caseName} over {transport}: {failures} step(s) differ between the emulator and OpenSIPS {Servers.Version}\n{report}");
    }
}

/// <summary>The 3.6.8 emulator (the default options) against OpenSIPS 3.6.8, every case over mi_http, mi_datagram and mi_xmlrpc_ng.</summary>
[Collection(V36.Name)]
public sealed class EmulatorMatchesRealServer36(Servers36 servers) : EmulatorMatchesRealServerTests<Servers36>(servers)
{
    public static TheoryData<string, WireTransport> Cases()
    {
        var data = new TheoryData<string, WireTransport>();
        foreach (var transport in Enum.GetValues<WireTransport>())
        {
            foreach (var name in ShapeCases.Names(3))
            {
                data.Add(name, transport);
            }
        }

        return data;
    }

    protected override MiEmulatorOptions EmulatorOptions => MiEmulatorOptions.Default;

    [Theory]
    [MemberData(nameof(Cases))]
    public Task Emulator_reply_has_the_real_servers_shape(string caseName, WireTransport transport) => CompareAsync(caseName, transport);
}

/// <summary>The emulator with the 4.0 dialect against OpenSIPS 4.0.1: the whole table (3.x names are aliases there) plus the 4.0 names.</summary>
[Collection(V40.Name)]
public sealed class EmulatorMatchesRealServer40(Servers40 servers) : EmulatorMatchesRealServerTests<Servers40>(servers)
{
    public static TheoryData<string, WireTransport> Cases()
    {
        var data = new TheoryData<string, WireTransport>();
        foreach (var transport in Enum.GetValues<WireTransport>())
        {
            foreach (var name in ShapeCases.Names(4))
            {
                data.Add(name, transport);
            }
        }

        return data;
    }

    protected override MiEmulatorOptions EmulatorOptions => new() { Dialect = MiEmulatorDialect.OpenSips40 };

    [Theory]
    [MemberData(nameof(Cases))]
    public Task Emulator_with_the_4_0_dialect_has_the_real_servers_shape(string caseName, WireTransport transport) => CompareAsync(caseName, transport);
}
