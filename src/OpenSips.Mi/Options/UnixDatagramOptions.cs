namespace OpenSips.Mi;

/// <summary>mi_datagram over a unix datagram socket (<c>modparam("mi_datagram", "socket_name", "/run/opensips/mi.sock")</c>).</summary>
public sealed record UnixDatagramOptions : MiConnectionOptions
{
    /// <summary>Creates the options.</summary>
    /// <param name="socketPath">Absolute path of OpenSIPS's mi_datagram socket.</param>
    public UnixDatagramOptions(string socketPath)
    {
        SocketPath = socketPath;
    }

    /// <summary>Absolute path of OpenSIPS's mi_datagram socket.</summary>
    public string SocketPath { get; init; }

    /// <summary>
    /// Folder where the client binds its own socket (OpenSIPS cannot answer an unbound client). The client creates a
    /// socket file with an unpredictable name there, mode 0622, and removes it on dispose. Default: the system temp folder.
    /// OpenSIPS must be able to write to it. In a folder other users can reach (such as <c>/tmp</c>), any local user can
    /// also send datagrams to that socket: request ids start at a random value per client and a reply must carry a
    /// waiting call's id, so a forged reply has to guess one; use a folder only OpenSIPS and this user can enter to rule
    /// it out.
    /// </summary>
    public string? ClientSocketDirectory { get; init; }

    /// <summary>
    /// The most calls in flight on one client socket. OpenSIPS sends each reply once, without waiting, and a unix datagram
    /// socket queues only <c>net.unix.max_dgram_qlen</c> datagrams (10 by default): a reply beyond that is dropped. So the
    /// client keeps at most this many calls in flight per socket, opens another socket when all are busy (up to
    /// <see cref="MaxClientSockets"/>), and beyond that queues calls in order, each within its own timeout. Default
    /// (<see langword="null"/>): that sysctl, read from <c>/proc/sys/net/unix/max_dgram_qlen</c> when the client is created
    /// (10 when it cannot be read). Lower it for large replies: OpenSIPS's own send buffer (<c>net.core.wmem_default</c>,
    /// 208 KiB by default) also limits how many unread replies can wait.
    /// </summary>
    public int? MaxCallsPerSocket { get; init; }

    /// <summary>
    /// The most client sockets (socket files in <see cref="ClientSocketDirectory"/>) one client opens: one at connect, more
    /// only while all are busy. Default 8, which with the default queue length allows 80 calls in flight.
    /// </summary>
    public int MaxClientSockets { get; init; } = 8;

    /// <inheritdoc/>
    public override string TransportName => "mi_datagram";

    /// <inheritdoc/>
    public override string ToUriString() => "unix://" + SocketPath;

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        if (string.IsNullOrWhiteSpace(SocketPath) || !Path.IsPathRooted(SocketPath))
        {
            throw new ArgumentException($"SocketPath '{SocketPath}' must be an absolute path, for example unix:///run/opensips/mi.sock.", nameof(SocketPath));
        }

        if (MaxCallsPerSocket is < 1)
        {
            throw new ArgumentException($"MaxCallsPerSocket {MaxCallsPerSocket} must be at least 1 (or null for net.unix.max_dgram_qlen).", nameof(MaxCallsPerSocket));
        }

        if (MaxClientSockets is < 1 or > 1024)
        {
            throw new ArgumentException($"MaxClientSockets {MaxClientSockets} must be between 1 and 1024.", nameof(MaxClientSockets));
        }

        if (ClientSocketDirectory is not null && !Directory.Exists(ClientSocketDirectory))
        {
            throw new ArgumentException($"ClientSocketDirectory '{ClientSocketDirectory}' does not exist: create it or leave it unset to use the temp folder.", nameof(ClientSocketDirectory));
        }
    }
}
