namespace OpenSips.Mi.Sip;

/// <summary>Settings for one <c>t_uac_dlg</c> call.</summary>
public sealed class UacDlgOptions
{
    /// <summary>The default wait: tm's default <c>fr_timeout</c> (30 s) plus a margin.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(35);

    /// <summary>The shared default options.</summary>
    public static UacDlgOptions Default { get; } = new();

    /// <summary>
    /// How long to wait for the MI reply. OpenSIPS answers only when the final SIP reply arrives, or after tm's
    /// <c>fr_timeout</c> (30 s by default) with 408; keep this above the server's <c>fr_timeout</c>. Default 35 s.
    /// </summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    internal TimeSpan ValidatedTimeout =>
        Timeout > TimeSpan.Zero && Timeout != System.Threading.Timeout.InfiniteTimeSpan
            ? Timeout
            : throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, "The t_uac_dlg timeout must be a positive duration above the server's tm fr_timeout (30 s by default).");
}
