namespace OpenSips.Mi.Trace;

/// <summary>How OpenSIPS's proto_hep delivers HEP3 packets to a <see cref="MiTraceSubscription"/>.</summary>
public enum MiTraceTransport
{
    /// <summary>One HEP3 packet per UDP datagram (<c>transport=udp</c>).</summary>
    Udp,

    /// <summary>HEP3 packets back to back on a TCP connection OpenSIPS opens to the listener (<c>transport=tcp</c>).</summary>
    Tcp,
}
