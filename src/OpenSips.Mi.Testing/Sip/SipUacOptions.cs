namespace OpenSips.Mi.Testing;

/// <summary>Settings of a <see cref="MiEmulatorSipUac"/>: tm's timers and what the emulated OpenSIPS calls itself.</summary>
public sealed record SipUacOptions
{
    /// <summary>The default options.</summary>
    public static SipUacOptions Default { get; } = new();

    /// <summary>tm <c>fr_timeout</c>: with no final reply by then, t_uac_dlg answers <c>408 Request Timeout</c>. 5 s as in the captures' config (OpenSIPS's own default is 30 s); keep it short in tests.</summary>
    public TimeSpan FinalResponseTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>tm <c>T1</c>: the first retransmission interval over UDP (doubled each time up to <see cref="T2"/>).</summary>
    public TimeSpan T1 { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>tm <c>T2</c>: the largest retransmission interval, also used once a provisional reply arrived.</summary>
    public TimeSpan T2 { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>How many local SIP sockets (UDP, 127.0.0.1, ephemeral ports) to open; t_uac_dlg's <c>socket</c> can name any of them. At least 1.</summary>
    public int SocketCount { get; init; } = 1;

    /// <summary>The <c>User-Agent</c> header OpenSIPS adds.</summary>
    public string UserAgent { get; init; } = "OpenSIPS (3.6.8 (x86_64/linux))";
}
