using OpenSips.Mi.Testing;

namespace OpenSips.Mi.Tests.Behaviour;

public sealed class UdpBehaviourTests : ClientBehaviourTests
{
    protected override MiConnectionOptions Options(MiEmulator emulator) => MiConnectionOptions.Parse(emulator.UdpUri);
}

public sealed class UnixDatagramBehaviourTests : ClientBehaviourTests
{
    protected override MiConnectionOptions Options(MiEmulator emulator) => MiConnectionOptions.Parse(emulator.UnixUri);
}

/// <summary>mi_http over the client's lean HTTP/1.1 path (plain http, the default on Linux).</summary>
public sealed class HttpBehaviourTests : ClientBehaviourTests
{
    protected override MiConnectionOptions Options(MiEmulator emulator) => MiConnectionOptions.Parse(emulator.HttpUriString);
}

/// <summary>mi_http through <see cref="HttpClient"/> (what https, injected clients and handlers use).</summary>
public sealed class HttpClientBehaviourTests : ClientBehaviourTests
{
    protected override MiConnectionOptions Options(MiEmulator emulator) => new HttpOptions(emulator.HttpUri) { UseHttpClient = true };
}

public sealed class XmlRpcBehaviourTests : ClientBehaviourTests
{
    protected override bool CarriesErrorData => false;

    protected override MiConnectionOptions Options(MiEmulator emulator) => MiConnectionOptions.Parse(emulator.XmlRpcUriString);
}

public sealed class XmlRpcHttpClientBehaviourTests : ClientBehaviourTests
{
    protected override bool CarriesErrorData => false;

    protected override MiConnectionOptions Options(MiEmulator emulator) => new XmlRpcOptions(emulator.XmlRpcUri) { UseHttpClient = true };
}

public sealed class FifoBehaviourTests : ClientBehaviourTests
{
    protected override MiConnectionOptions Options(MiEmulator emulator) =>
        new FifoOptions(emulator.FifoPath) { ReplyDirectory = emulator.FifoReplyDirectory };
}
