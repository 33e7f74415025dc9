using OpenSips.Mi.IntegrationTests.Support;
using OpenSips.Mi.Tests.Behaviour;

namespace OpenSips.Mi.IntegrationTests.Behaviour;

/// <summary>The behaviour suite written for the emulator (linked from tests/OpenSips.Mi.Tests), unchanged, against a real server.</summary>
public abstract class RealBehaviourTests<TServers>(TServers servers, MiTransportKind transport) : ClientBehaviourTests
    where TServers : OpenSipsServers
{
    private int _mainMark;
    private int _unixMark;

    protected override bool CarriesErrorData => transport != MiTransportKind.XmlRpc;

    protected override string ServerVersion => servers.Version;

    protected override ValueTask<MiConnectionOptions> ServerAsync()
    {
        servers.Require();
        _mainMark = servers.Main.Log.Length;
        _unixMark = servers.Unix.Log.Length;
        return ValueTask.FromResult(servers.Options(transport));
    }

    protected override ValueTask StopServerAsync()
    {
        ServerLogs.WriteOnFailure(servers, _mainMark, _unixMark);
        return ValueTask.CompletedTask;
    }
}

[Collection(V34.Name)]
public sealed class UdpBehaviour34(Servers34 servers) : RealBehaviourTests<Servers34>(servers, MiTransportKind.Udp);

[Collection(V34.Name)]
public sealed class UnixBehaviour34(Servers34 servers) : RealBehaviourTests<Servers34>(servers, MiTransportKind.Unix);

[Collection(V34.Name)]
public sealed class HttpBehaviour34(Servers34 servers) : RealBehaviourTests<Servers34>(servers, MiTransportKind.Http);

[Collection(V34.Name)]
public sealed class XmlRpcBehaviour34(Servers34 servers) : RealBehaviourTests<Servers34>(servers, MiTransportKind.XmlRpc);

[Collection(V34.Name)]
public sealed class FifoBehaviour34(Servers34 servers) : RealBehaviourTests<Servers34>(servers, MiTransportKind.Fifo);

[Collection(V36.Name)]
public sealed class UdpBehaviour36(Servers36 servers) : RealBehaviourTests<Servers36>(servers, MiTransportKind.Udp);

[Collection(V36.Name)]
public sealed class UnixBehaviour36(Servers36 servers) : RealBehaviourTests<Servers36>(servers, MiTransportKind.Unix);

[Collection(V36.Name)]
public sealed class HttpBehaviour36(Servers36 servers) : RealBehaviourTests<Servers36>(servers, MiTransportKind.Http);

[Collection(V36.Name)]
public sealed class XmlRpcBehaviour36(Servers36 servers) : RealBehaviourTests<Servers36>(servers, MiTransportKind.XmlRpc);

[Collection(V36.Name)]
public sealed class FifoBehaviour36(Servers36 servers) : RealBehaviourTests<Servers36>(servers, MiTransportKind.Fifo);

[Collection(V40.Name)]
public sealed class UdpBehaviour40(Servers40 servers) : RealBehaviourTests<Servers40>(servers, MiTransportKind.Udp);

[Collection(V40.Name)]
public sealed class UnixBehaviour40(Servers40 servers) : RealBehaviourTests<Servers40>(servers, MiTransportKind.Unix);

[Collection(V40.Name)]
public sealed class HttpBehaviour40(Servers40 servers) : RealBehaviourTests<Servers40>(servers, MiTransportKind.Http);

[Collection(V40.Name)]
public sealed class XmlRpcBehaviour40(Servers40 servers) : RealBehaviourTests<Servers40>(servers, MiTransportKind.XmlRpc);

[Collection(V40.Name)]
public sealed class FifoBehaviour40(Servers40 servers) : RealBehaviourTests<Servers40>(servers, MiTransportKind.Fifo);
