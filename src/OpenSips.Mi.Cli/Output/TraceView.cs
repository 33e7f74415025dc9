using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using OpenSips.Mi.Trace;

namespace OpenSips.Mi.Cli.Output;

/// <summary>How <c>opensips-mi trace</c> shows a message: one line (optionally followed by the whole message), or one JSON object.</summary>
internal static class TraceView
{
    /// <summary>ANSI colours given to calls in turn (by Call-ID), so the lines of one call share a colour.</summary>
    private static readonly string[] Palette = ["\u001b[36m", "\u001b[33m", "\u001b[35m", "\u001b[32m", "\u001b[34m", "\u001b[91m", "\u001b[96m", "\u001b[93m"];

    private const string Reset = "\u001b[0m";

    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// <c>17:04:38.123456 udp 127.0.0.1:35107 -> 127.0.0.1:36010 REGISTER sip:127.0.0.1:36010  46a78b49c5</c>: the
    /// capture time (local), the transport, who sent it to whom, the request line or the status with the method it
    /// answers, and the Call-ID's short form; coloured per call when <paramref name="color"/> is given.
    /// </summary>
    public static string Line(SipTraceMessage m, string? color)
    {
        var what = m.IsRequest
            ? $"{m.RequestMethod} {m.RequestUri}"
            : $"{m.StatusCode} {m.ReasonPhrase}{(m.CSeqMethod is { } method ? $" ({method})" : string.Empty)}";
        var line = string.Create(
            CultureInfo.InvariantCulture,
            $"{m.CapturedAt.ToLocalTime():HH:mm:ss.ffffff} {m.Transport} {m.Source} -> {m.Destination} {what}  {ShortCallId(m.CallId)}");
        return color is null ? line : color + line + Reset;
    }

    /// <summary>The whole message under its line, indented, line ends made plain <c>\n</c>.</summary>
    public static string Verbose(SipTraceMessage m, string? color)
    {
        var text = new StringBuilder(Line(m, color)).Append('\n');
        foreach (var line in m.Text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n').Split('\n'))
        {
            text.Append("    ").Append(line).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>The part of a Call-ID before <c>@</c>, at most 12 characters (with .. when cut).</summary>
    public static string ShortCallId(string? callId)
    {
        if (string.IsNullOrEmpty(callId))
        {
            return "-";
        }

        var at = callId.IndexOf('@', StringComparison.Ordinal);
        var head = at > 0 ? callId[..at] : callId;
        return head.Length > 12 ? head[..12] + ".." : head;
    }

    /// <summary>The colour of a call: the next palette entry the first time a Call-ID is seen.</summary>
    public static string ColorOf(string? callId, Dictionary<string, string> assigned)
    {
        ArgumentNullException.ThrowIfNull(assigned);
        var key = callId ?? string.Empty;
        if (!assigned.TryGetValue(key, out var color))
        {
            if (assigned.Count > 10_000)
            {
                assigned.Clear();
            }

            color = Palette[assigned.Count % Palette.Length];
            assigned[key] = color;
        }

        return color;
    }

    /// <summary>
    /// One JSON object on one line: <c>time</c> (capture, UTC, µs), <c>transport</c>, <c>source</c>, <c>destination</c>,
    /// <c>request</c>, <c>method</c>, <c>request_uri</c>, <c>status</c>, <c>reason</c>, <c>call_id</c>, <c>cseq</c>,
    /// <c>from_tag</c>, <c>to_tag</c>, <c>correlation_id</c>, <c>start_line</c>, <c>message</c> (the whole SIP text).
    /// </summary>
    public static string Json(SipTraceMessage m)
    {
        ArgumentNullException.ThrowIfNull(m);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, Compact))
        {
            w.WriteStartObject();
            w.WriteString("time", m.CapturedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture));
            w.WriteString("transport", m.Transport);
            w.WriteString("source", m.Source.ToString());
            w.WriteString("destination", m.Destination.ToString());
            w.WriteBoolean("request", m.IsRequest);
            WriteOrNull(w, "method", m.Method);
            WriteOrNull(w, "request_uri", m.RequestUri);
            if (m.StatusCode is { } status)
            {
                w.WriteNumber("status", status);
            }
            else
            {
                w.WriteNull("status");
            }

            WriteOrNull(w, "reason", m.ReasonPhrase);
            WriteOrNull(w, "call_id", m.CallId);
            WriteOrNull(w, "cseq", m.CSeqNumber is { } n ? string.Create(CultureInfo.InvariantCulture, $"{n} {m.CSeqMethod}").TrimEnd() : null);
            WriteOrNull(w, "from_tag", m.FromTag);
            WriteOrNull(w, "to_tag", m.ToTag);
            WriteOrNull(w, "correlation_id", m.CorrelationId);
            w.WriteString("start_line", m.StartLine);
            w.WriteString("message", m.Text);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    private static void WriteOrNull(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }
}
