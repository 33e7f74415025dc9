namespace OpenSips.Mi;

/// <summary>mi_datagram over UDP (OpenSIPS's <c>modparam("mi_datagram", "socket_name", "udp:127.0.0.1:8809")</c>).</summary>
public sealed record DatagramOptions : MiConnectionOptions
{
    /// <summary>Creates the options.</summary>
    /// <param name="host">Host name or IP address of OpenSIPS.</param>
    /// <param name="port">UDP port, 1..65535.</param>
    public DatagramOptions(string host, int port)
    {
        Host = host;
        Port = port;
    }

    /// <summary>mi_datagram's largest request: 65457 bytes (docs/wire-facts.md#dg-limits); larger requests are refused before sending.</summary>
    public const int MaxRequestBytes = 65457;

    /// <summary>
    /// mi_datagram's largest reply: 65456 bytes (65438 when the reply ends with a numeric id, as the library's do); larger
    /// replies become a plain-text <c>500 Internal error</c> (docs/wire-facts.md#dg-limits).
    /// </summary>
    public const int MaxReplyBytes = 65456;

    /// <summary>Host name or IP address of OpenSIPS.</summary>
    public string Host { get; init; }

    /// <summary>UDP port, 1..65535.</summary>
    public int Port { get; init; }

    /// <inheritdoc/>
    public override string TransportName => "mi_datagram";

    /// <inheritdoc/>
    public override string ToUriString() => Host.Contains(':', StringComparison.Ordinal) ? $"udp://[{Host}]:{Port}" : $"udp://{Host}:{Port}";

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        if (string.IsNullOrWhiteSpace(Host))
        {
            throw new ArgumentException("Host is missing: give OpenSIPS's mi_datagram address, for example udp://127.0.0.1:8809.", nameof(Host));
        }

        if (Port is < 1 or > 65535)
        {
            throw new ArgumentException($"Port {Port} is outside 1..65535: give mi_datagram's UDP port, for example udp://127.0.0.1:8809.", nameof(Port));
        }
    }
}
