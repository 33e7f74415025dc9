namespace OpenSips.Mi.Sip;

/// <summary>
/// An <c>Event</c> header value that makes a desk phone re-read its configuration, reboot or report, from the Ruby gem's
/// <c>EVENTNOTIFY</c> table (itself taken from Asterisk's <c>sip_notify.conf</c>), or any custom value.
/// </summary>
/// <remarks>Phones usually have to be configured to accept these, for example Polycom's <c>voIpProt.SIP.specialEvent.checkSync.alwaysReboot="1"</c>.</remarks>
/// <param name="Name">The catalogue key, for example <c>polycom_check_cfg</c> (for a custom event, the value itself).</param>
/// <param name="Value">The <c>Event</c> header value, for example <c>check-sync</c>.</param>
public sealed record PhoneEvent(string Name, string Value)
{
    /// <summary>Aastra: re-read the configuration (<c>check-sync</c>).</summary>
    public static PhoneEvent AastraCheckCfg { get; } = new("aastra_check_cfg", "check-sync");

    /// <summary>Aastra: XML push (<c>aastra-xml</c>).</summary>
    public static PhoneEvent AastraXml { get; } = new("aastra_xml", "aastra-xml");

    /// <summary>Digium: re-read the configuration (<c>check-sync</c>).</summary>
    public static PhoneEvent DigiumCheckCfg { get; } = new("digium_check_cfg", "check-sync");

    /// <summary>Linksys: cold restart (<c>reboot_now</c>).</summary>
    public static PhoneEvent LinksysColdRestart { get; } = new("linksys_cold_restart", "reboot_now");

    /// <summary>Linksys: warm restart (<c>restart_now</c>).</summary>
    public static PhoneEvent LinksysWarmRestart { get; } = new("linksys_warm_restart", "restart_now");

    /// <summary>Polycom: re-read the configuration, reboot if configured (<c>check-sync</c>).</summary>
    public static PhoneEvent PolycomCheckCfg { get; } = new("polycom_check_cfg", "check-sync");

    /// <summary>Sipura: resynchronise the profile (<c>resync</c>).</summary>
    public static PhoneEvent SipuraCheckCfg { get; } = new("sipura_check_cfg", "resync");

    /// <summary>Sipura: send a report (<c>report</c>).</summary>
    public static PhoneEvent SipuraGetReport { get; } = new("sipura_get_report", "report");

    /// <summary>snom: re-read the configuration without rebooting (<c>check-sync;reboot=false</c>).</summary>
    public static PhoneEvent SnomCheckCfg { get; } = new("snom_check_cfg", "check-sync;reboot=false");

    /// <summary>snom: reboot (<c>check-sync;reboot=true</c>).</summary>
    public static PhoneEvent SnomReboot { get; } = new("snom_reboot", "check-sync;reboot=true");

    /// <summary>Cisco: re-read the configuration (<c>check-sync</c>).</summary>
    public static PhoneEvent CiscoCheckCfg { get; } = new("cisco_check_cfg", "check-sync");

    /// <summary>Avaya: re-read the configuration (<c>check-sync</c>).</summary>
    public static PhoneEvent AvayaCheckCfg { get; } = new("avaya_check_cfg", "check-sync");

    /// <summary>The twelve catalogue events, in the Ruby gem's order.</summary>
    public static IReadOnlyList<PhoneEvent> All { get; } =
    [
        AastraCheckCfg, AastraXml, DigiumCheckCfg, LinksysColdRestart, LinksysWarmRestart, PolycomCheckCfg,
        SipuraCheckCfg, SipuraGetReport, SnomCheckCfg, SnomReboot, CiscoCheckCfg, AvayaCheckCfg,
    ];

    /// <summary>Finds a catalogue event by its key, for example <c>snom_reboot</c> (case-insensitive).</summary>
    /// <param name="name">The key.</param>
    /// <returns>The event.</returns>
    /// <exception cref="ArgumentException">No event has that key (the message lists the keys).</exception>
    public static PhoneEvent FromName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return All.FirstOrDefault(e => e.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException(
                $"'{name}' is not a known phone event; use one of {string.Join(", ", All.Select(e => e.Name))}, or PhoneEvent.Custom(\"<Event value>\").",
                nameof(name));
    }

    /// <summary>Any other <c>Event</c> header value, for example <c>check-sync;reboot=true</c>.</summary>
    /// <param name="value">The header value, on one line.</param>
    /// <returns>The event.</returns>
    /// <exception cref="ArgumentException">The value is empty or contains CR, LF or NUL.</exception>
    public static PhoneEvent Custom(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        SipHeaderValidation.CheckText(value, "the Event header", nameof(value));
        return new PhoneEvent(value, value);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} (Event: {Value})";
}
