namespace OpenSips.Mi.Testing;

/// <summary>Which OpenSIPS release a <see cref="MiEmulator"/> answers as (<see cref="MiEmulatorOptions.Dialect"/>).</summary>
public enum MiEmulatorDialect
{
    /// <summary>
    /// OpenSIPS 3.6.8 (the default): the 3.x command names (<c>uptime</c>, <c>ul_dump</c>, <c>t_uac_dlg</c>,
    /// <c>get_statistics</c>) and <c>version</c> <c>OpenSIPS (3.6.8 (x86_64/linux))</c>.
    /// </summary>
    OpenSips36 = 0,

    /// <summary>
    /// OpenSIPS 4.0.1: commands are named <c>module:command</c> (<c>core:uptime</c>, <c>usrloc:dump</c>,
    /// <c>tm:uac_dlg</c>, <c>statistics:get</c>) and <c>which</c> lists those names; the 3.x names still work as aliases,
    /// and so does a bare command name (<c>dump</c>) when only one module has it, while a bare name several modules share
    /// (<c>list</c>, <c>get</c>) is answered with <c>-32001 "Method ambiguous"</c> and the supported names in its data.
    /// <c>version</c> says <c>OpenSIPS (4.0.1 (x86_64/linux))</c>, <c>help</c> names the 4.0 module (<c>evi</c>,
    /// <c>cache</c>, <c>mem</c>, …) and <c>events_list</c> has the two profiling events 4.0 adds.
    /// </summary>
    OpenSips40 = 1,
}
