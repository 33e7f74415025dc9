namespace OpenSips.Mi.ServerFixture;

/// <summary>How to start one real OpenSIPS instance.</summary>
public sealed record OpenSipsServerOptions
{
    /// <summary>The version to run (built on first use): <c>3.4.18</c>, <c>3.6.8</c> (default) or <c>4.0.1</c>.</summary>
    public string Version { get; init; } = "3.6.8";

    /// <summary>
    /// Serve mi_datagram on a unix datagram socket instead of UDP. OpenSIPS has one mi_datagram socket per instance, so a
    /// test of the unix transport needs an instance of its own; such an instance serves no mi_http, mi_xmlrpc or mi_fifo.
    /// </summary>
    public bool UnixDatagram { get; init; }

    /// <summary>tm's final-response timeout: how long <c>t_uac_dlg</c> waits for a silent phone before its 408 (OpenSIPS's default is 30 s).</summary>
    public int FrTimeoutSeconds { get; init; } = 3;

    /// <summary>httpd's <c>receive_buf_size</c>: the largest mi_http/mi_xmlrpc request body (OpenSIPS's default is 1024); 3.4 has no such parameter.</summary>
    public int HttpReceiveBufferSize { get; init; } = 8192;

    /// <summary>mi_datagram worker processes (<c>children_count</c>).</summary>
    public int MiDatagramChildren { get; init; } = 1;

    /// <summary>Load proto_hep and tracer with a HEP listener on UDP and TCP, for <c>trace_start</c>.</summary>
    public bool Tracer { get; init; }

    /// <summary>More configuration (module parameters, globals) appended before the routes.</summary>
    public string? ExtraConfig { get; init; }

    /// <summary>Replaces the default request route (<c>route { … }</c> body only).</summary>
    public string? Route { get; init; }

    /// <summary>OpenSIPS's <c>log_level</c> (3: info).</summary>
    public int LogLevel { get; init; } = 3;

    /// <summary>How long to wait until every MI transport answers.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
