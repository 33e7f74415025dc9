using System.Text.RegularExpressions;

namespace OpenSips.Mi.Testing;

/// <summary>The checks tm's t_uac_dlg makes before sending anything, with its exact error replies (docs/wire-facts.md#uac).</summary>
internal static partial class UacValidator
{
    public static MiEmulatorReply? Validate(MiEmulatorRequest r, IList<string> sipSockets, out MiUacRequest? uac)
    {
        uac = null;
        var method = r.GetString("method") ?? string.Empty;
        var ruri = r.GetString("ruri") ?? string.Empty;
        if (!SipUri().IsMatch(ruri))
        {
            return MiEmulatorReply.Error(400, "Invalid ruri");
        }

        var nextHop = r.GetString("next_hop");
        if (nextHop is not null && !SipUri().IsMatch(nextHop))
        {
            return MiEmulatorReply.Error(400, "Invalid next_hop");
        }

        var socket = r.GetString("socket");
        if (socket is not null && !sipSockets.Contains(socket))
        {
            return MiEmulatorReply.Error(404, "Local socket not found");
        }

        var headers = SipHeaders.Unescape(r.GetString("headers") ?? string.Empty);
        if (headers.Length > 0 && !headers.EndsWith('\n'))
        {
            return MiEmulatorReply.Error(400, "Bad headers");
        }

        // tm's mi_check_msg, in its order: the body headers (only with a body), To, From, CSeq.
        var parsed = SipHeaders.Split(headers);
        var body = r.GetString("body");
        if (!string.IsNullOrEmpty(body) && SipHeaders.Find(parsed, "Content-Type") is null)
        {
            return MiEmulatorReply.Error(400, "Content-Type missing");
        }

        if (!string.IsNullOrEmpty(body) && SipHeaders.Find(parsed, "Content-Length") is not null)
        {
            return MiEmulatorReply.Error(400, "Content-Length disallowed");
        }

        if (SipHeaders.Find(parsed, "To") is null)
        {
            return MiEmulatorReply.Error(400, "To missing");
        }

        if (SipHeaders.Find(parsed, "From") is null)
        {
            return MiEmulatorReply.Error(400, "From missing");
        }

        if (SipHeaders.Find(parsed, "CSeq") is { } cseq)
        {
            var parts = cseq.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0 || !uint.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _))
            {
                return MiEmulatorReply.Error(400, "Bad CSeq number");
            }

            if (parts.Length != 2 || !string.Equals(parts[1], method, StringComparison.Ordinal))
            {
                return MiEmulatorReply.Error(400, "CSeq method mismatch");
            }
        }

        uac = new MiUacRequest(method, ruri, headers, body, nextHop, socket, r);
        return null;
    }

    [GeneratedRegex(@"^(sips?|tel):([^@\s]+@)?[^@\s;:?]+(:\d+)?([;?].*)?$", RegexOptions.IgnoreCase)]
    private static partial Regex SipUri();
}
