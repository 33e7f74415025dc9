using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace OpenSips.Mi.Testing;

/// <summary>Settings of a <see cref="MiEmulator"/>; the defaults mirror an OpenSIPS 3.6.8 with default module parameters.</summary>
public sealed record MiEmulatorOptions
{
    /// <summary>The default options.</summary>
    public static MiEmulatorOptions Default { get; } = new();

    /// <summary>
    /// Which OpenSIPS release to answer as: <see cref="MiEmulatorDialect.OpenSips36"/> (the default) or
    /// <see cref="MiEmulatorDialect.OpenSips40"/> (module:command names, 3.x names as aliases, the 4.0 version string).
    /// </summary>
    public MiEmulatorDialect Dialect { get; init; } = MiEmulatorDialect.OpenSips36;

    /// <summary>Serve mi_datagram over UDP on 127.0.0.1 (ephemeral port).</summary>
    public bool EnableUdp { get; init; } = true;

    /// <summary>Serve mi_datagram over a UNIX datagram socket in a private temporary directory.</summary>
    public bool EnableUnix { get; init; } = true;

    /// <summary>Serve mi_http (<c>/mi</c>) and mi_xmlrpc_ng (<c>/RPC2</c>) on one httpd listener.</summary>
    public bool EnableHttp { get; init; } = true;

    /// <summary>Serve mi_fifo on a FIFO in a private temporary directory.</summary>
    public bool EnableFifo { get; init; } = true;

    /// <summary>
    /// The UDP port of mi_datagram on 127.0.0.1; null or 0 picks a free (ephemeral) port. Starting fails with an
    /// <see cref="IOException"/> naming the port when it is already taken.
    /// </summary>
    public int? UdpPort { get; init; }

    /// <summary>
    /// The TCP port of the httpd (mi_http and mi_xmlrpc_ng) on 127.0.0.1; null or 0 picks a free (ephemeral) port.
    /// Starting fails with an <see cref="IOException"/> naming the port when it is already taken.
    /// </summary>
    public int? HttpPort { get; init; }

    /// <summary>
    /// The path of the mi_fifo FIFO to create; null creates <c>opensips_fifo</c> in a private temporary directory.
    /// Starting fails with an <see cref="IOException"/> when something already exists at that path; the FIFO is deleted on dispose.
    /// </summary>
    public string? FifoPath { get; init; }

    /// <summary>
    /// The path of the mi_datagram UNIX socket to bind; null binds <c>mi.sock</c> in a private temporary directory.
    /// Starting fails with an <see cref="IOException"/> when something already exists at that path; the socket file is deleted on dispose.
    /// </summary>
    public string? UnixSocketPath { get; init; }

    /// <summary>Where reply FIFOs are looked up (mi_fifo <c>reply_dir</c>); null means a private temporary directory.</summary>
    public string? FifoReplyDirectory { get; init; }

    /// <summary>httpd <c>receive_buf_size</c>: larger request bodies get a 400 that never completes.</summary>
    public int HttpReceiveBufferSize { get; init; } = 1024;

    /// <summary>httpd <c>conn_timeout</c>: a request on a keep-alive connection idle for longer is dropped unanswered and the connection closed.</summary>
    public TimeSpan HttpConnectionTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Like OpenSIPS's single httpd process, every HTTP MI request waits while an async command (t_uac_dlg) is pending.</summary>
    public bool HttpSerializesAsyncCommands { get; init; } = true;

    /// <summary>When set, the HTTP listener speaks TLS and the URIs use <c>https</c> / <c>xmlrpc+https</c>.</summary>
    public X509Certificate2? HttpsCertificate { get; init; }

    /// <summary>
    /// Load the emulated tracer module (and proto_hep): <c>trace</c>, <c>trace_start</c> and <c>trace_stop</c> answer
    /// and are listed last by <c>which</c>, and HEP is sent for traced SIP (see <see cref="MiEmulator.TraceDestinations"/>).
    /// On by default; off gives the command table of the captured OpenSIPS 3.6.8, which did not load tracer
    /// (<c>trace_start</c> then answers -32601 "Method not found").
    /// </summary>
    public bool EnableTracer { get; init; } = true;

    /// <summary>How long the default t_uac_dlg waits before answering <c>408 Request Timeout</c> (tm <c>fr_timeout</c>).</summary>
    public TimeSpan UacTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Keep every request in <see cref="MiEmulator.Received"/> (the default). Turn it off for load tests and benchmarks,
    /// where millions of requests would otherwise be kept in memory.
    /// </summary>
    public bool RecordRequests { get; init; } = true;

    /// <summary>Logger factory for diagnostics; null logs nothing.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Clock used for uptime, contact expiry, idle timeouts and the default t_uac_dlg timeout; null is the system clock.</summary>
    public TimeProvider? TimeProvider { get; init; }
}
