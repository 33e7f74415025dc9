namespace OpenSips.Mi;

/// <summary>
/// The command names a server answers to. OpenSIPS 4.0 names every MI command <c>module:command</c>
/// (<c>usrloc:show_contact</c>, <c>tm:uac_dlg</c>) and keeps most 3.x names as aliases, but not all of them
/// (<c>domain_dump</c> is only <c>domain:dump</c> on 4.0). See <see cref="Commands.MiCommandCatalog"/> for both names of
/// every command.
/// </summary>
public enum MiDialect
{
    /// <summary>Not known yet: typed commands send the 3.x name first and learn from the answer.</summary>
    Unknown = 0,

    /// <summary>OpenSIPS 3.x (3.4, 3.6): flat names such as <c>ul_show_contact</c>.</summary>
    OpenSips3 = 3,

    /// <summary>OpenSIPS 4.x: <c>module:command</c> names such as <c>usrloc:show_contact</c>.</summary>
    OpenSips4 = 4,
}
