namespace OpenSips.Mi.Testing;

/// <summary>The transport names found in <see cref="MiEmulatorRequest.Transport"/>.</summary>
public static class MiTransport
{
    /// <summary>mi_datagram over UDP.</summary>
    public const string Datagram = "datagram";

    /// <summary>mi_datagram over a UNIX datagram socket.</summary>
    public const string Unix = "unix";

    /// <summary>mi_http.</summary>
    public const string Http = "http";

    /// <summary>mi_xmlrpc_ng.</summary>
    public const string XmlRpc = "xmlrpc";

    /// <summary>mi_fifo.</summary>
    public const string Fifo = "fifo";
}
