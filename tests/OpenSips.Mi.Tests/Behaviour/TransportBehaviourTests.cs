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

public sealed class HttpBehaviourTests : ClientBehaviourTests
{
    protected override MiConnectionOptions Options(MiEmulator emulator) => MiConnectionOptions.Parse(emulator.HttpUriString);
}
public sealed class XmlRpcBehaviourTests : ClientBehaviourTests
{
    protected override bool CarriesErrorData => false;

    protected override MiConnectionOptions Options(MiEmulator emulator) => MiConnectionOptions.Parse(emulator.XmlRpcUriString);
}

public sealed class FifoBehaviourTests : ClientBehaviourTests
{
    protected override MiConnectionOptions Options(MiEmulator emulator) =>
        new FifoOptions(emulator.FifoPath) { ReplyDirectory = emulator.FifoReplyDirectory };
}
