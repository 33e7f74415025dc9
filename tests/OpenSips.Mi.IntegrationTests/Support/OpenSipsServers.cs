using OpenSips.Mi.ServerFixture;

namespace OpenSips.Mi.IntegrationTests.Support;

/// <summary>The MI transports a test can run over.</summary>
public enum MiTransportKind
{
    Udp,
    Unix,
    Http,
    XmlRpc,
    Fifo,
}

/// <summary>
/// The real servers of one OpenSIPS version, shared by every test class of that version's collection: a main instance
/// (mi_datagram on UDP, mi_http, mi_xmlrpc, mi_fifo) and a second one for mi_datagram on a unix socket (one
/// mi_datagram socket per instance). Both start with <c>alice</c> and <c>bob</c> registered from loopback phones.
/// </summary>
public abstract class OpenSipsServers(string version) : IAsyncLifetime
{
    private Exception? _unavailable;
    private OpenSipsServer? _main;
    private OpenSipsServer? _unix;

    /// <summary>The OpenSIPS version.</summary>
    public string Version { get; } = version;

    /// <summary>The major version (3 or 4).</summary>
    public int Major => Version[0] - '0';

    /// <summary>The main instance.</summary>
    public OpenSipsServer Main => _main ?? throw Unavailable();

    /// <summary>The instance serving mi_datagram on a unix socket.</summary>
    public OpenSipsServer Unix => _unix ?? throw Unavailable();

    /// <summary>The phone registered as <c>alice</c> on both instances.</summary>
    public SipPhone Alice { get; } = new("alice");

    /// <summary>The phone registered as <c>bob</c> on both instances.</summary>
    public SipPhone Bob { get; } = new("bob");

    /// <summary>Whether this run is CI, where a missing server is a failure, never a skip.</summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public async ValueTask InitializeAsync()
    {
        var main = OpenSipsServer.StartAsync(new OpenSipsServerOptions { Version = Version });
        var unix = OpenSipsServer.StartAsync(new OpenSipsServerOptions { Version = Version, UnixDatagram = true });
        try
        {
            await Task.WhenAll(main, unix);
        }
        catch (Exception ex)
        {
            foreach (var started in new[] { main, unix }.Where(t => t.IsCompletedSuccessfully))
            {
                await started.Result.DisposeAsync();
            }

            _unavailable = ex is OpenSipsUnavailableException ? ex : new InvalidOperationException($"OpenSIPS {Version} did not start: {ex.Message}", ex);
            return;
        }

        _main = main.Result;
        _unix = unix.Result;
        foreach (var server in new[] { _main, _unix })
        {
            foreach (var phone in new[] { Alice, Bob })
            {
                var reply = await phone.RegisterAsync(server.SipEndPoint);
                if (reply.StatusCode != 200)
                {
                    _unavailable = new InvalidOperationException($"REGISTER of {phone.User} on {server} answered {reply.StartLine}");
                    return;
                }
            }
        }
    }

    /// <summary>
    /// Called by every test first: a server that could not be built fails the test in CI and skips it elsewhere, with
    /// the reason and how to build the server.
    /// </summary>
    public void Require()
    {
        if (_unavailable is null)
        {
            return;
        }

        if (IsCi || _unavailable is not OpenSipsUnavailableException)
        {
            throw new InvalidOperationException(_unavailable.Message, _unavailable);
        }

        Assert.Skip(_unavailable.Message);
    }

    /// <summary>Connection options for one transport of these servers.</summary>
    public MiConnectionOptions Options(MiTransportKind transport) => transport switch
    {
        MiTransportKind.Udp => MiConnectionOptions.Parse(Main.DatagramUri),
        MiTransportKind.Unix => new UnixDatagramOptions(Unix.Ports.UnixSocketPath) { ClientSocketDirectory = Unix.Ports.WorkDirectory },
        MiTransportKind.Http => MiConnectionOptions.Parse(Main.HttpUri),
        MiTransportKind.XmlRpc => MiConnectionOptions.Parse(Main.XmlRpcUri),
        MiTransportKind.Fifo => new FifoOptions(Main.Ports.FifoPath) { ReplyDirectory = Main.Ports.FifoReplyDirectory },
        _ => throw new ArgumentOutOfRangeException(nameof(transport)),
    };

    /// <summary>The server a transport talks to.</summary>
    public OpenSipsServer ServerFor(MiTransportKind transport) => transport == MiTransportKind.Unix ? Unix : Main;

    /// <summary>Connects a client over one transport (5 s timeout).</summary>
    public MiClient Connect(MiTransportKind transport) => MiClient.Connect(Options(transport) with { Timeout = TimeSpan.FromSeconds(5) });

    public async ValueTask DisposeAsync()
    {
        await Alice.DisposeAsync();
        await Bob.DisposeAsync();
        if (_main is not null)
        {
            await _main.DisposeAsync();
        }

        if (_unix is not null)
        {
            await _unix.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    private InvalidOperationException Unavailable() => new($"OpenSIPS {Version} is not running: {_unavailable?.Message}");
}

public sealed class Servers34() : OpenSipsServers("3.4.18");

public sealed class Servers36() : OpenSipsServers("3.6.8");

public sealed class Servers40() : OpenSipsServers("4.0.1");

[CollectionDefinition(Name)]
public sealed class V34 : ICollectionFixture<Servers34>
{
    public const string Name = "OpenSIPS 3.4.18";
}

[CollectionDefinition(Name)]
public sealed class V36 : ICollectionFixture<Servers36>
{
    public const string Name = "OpenSIPS 3.6.8";
}

[CollectionDefinition(Name)]
public sealed class V40 : ICollectionFixture<Servers40>
{
    public const string Name = "OpenSIPS 4.0.1";
}
