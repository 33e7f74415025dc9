namespace OpenSips.Mi.Cli;

/// <summary>The process exit codes; with several targets the worst (highest) one wins.</summary>
internal static class ExitCodes
{
    /// <summary>Every target answered a result.</summary>
    public const int Success = 0;

    /// <summary>A server answered an MI (JSON-RPC) error.</summary>
    public const int MiError = 1;

    /// <summary>The command line, the configuration or a URI is wrong (nothing was sent).</summary>
    public const int Usage = 2;

    /// <summary>A server could not be reached, did not answer in time, or answered something that is not MI.</summary>
    public const int Transport = 3;

    /// <summary>Interrupted by Ctrl+C (128 + SIGINT).</summary>
    public const int Interrupted = 130;

    public const string HelpText =
        """
        Exit codes:
          0  success
          1  the server answered an MI error (printed to stderr as 'error CODE: MESSAGE (DATA)')
          2  usage error: bad option, argument, URI or configuration; nothing was sent
          3  transport error or timeout: cannot reach the server, no reply in time, or a reply that is not MI
          With several targets the exit code is the worst of them.
          notify/mwi/uac: 0 for a 2xx SIP reply, 1 for another final reply (or an MI error),
          3 for OpenSIPS's own 408 when nobody answered; the reply is printed in every case.

        Target precedence: --url/--targets, then $OPENSIPS_MI_URL, then the config file
        (--config, $OPENSIPS_MI_CONFIG or ~/.config/opensips-mi/config.json, e.g. {"url":"udp://127.0.0.1:8809","timeout":5}),
        then http://127.0.0.1:8888/mi (OpenSIPS's mi_http default).
        """;
}

/// <summary>A command-line or configuration error: printed as one line, exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message)
{
    public UsageException()
        : this("usage error")
    {
    }

    public UsageException(string message, Exception innerException)
        : this(message + ": " + innerException?.Message)
    {
    }
}
