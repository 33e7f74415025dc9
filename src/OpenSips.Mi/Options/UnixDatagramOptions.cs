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
    /// private socket file with an unpredictable name there and removes it on dispose. Default: the system temp folder.
    /// OpenSIPS must be able to write to it.
    /// </summary>
    public string? ClientSocketDirectory { get; init; }

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

        if (ClientSocketDirectory is not null && !Directory.Exists(ClientSocketDirectory))
        {
            throw new ArgumentException($"ClientSocketDirectory '{ClientSocketDirectory}' does not exist: create it or leave it unset to use the temp folder.", nameof(ClientSocketDirectory));
        }
    }
}
