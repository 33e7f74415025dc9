using System.Globalization;
using System.Text.Json;

namespace OpenSips.Mi.Commands;

/// <summary>
/// Tolerant readers for OpenSIPS MI replies: unknown members are ignored, missing members give <see langword="null"/>,
/// numbers sent as strings (and strings sent as numbers) are accepted where the meaning is unambiguous.
/// </summary>
internal static class MiReply
{
    /// <summary>
    /// Runs a typed command under the name the server answers to (<paramref name="method"/> is the 3.x name; see
    /// <see cref="MiCommandRouter"/>): errors become <see cref="MiCommandException"/>, the result is returned.
    /// </summary>
    public static async Task<JsonElement> RunAsync(MiClient client, string method, MiParams parameters, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        var response = await SendAsync(client, method, parameters, cancellationToken, timeout).ConfigureAwait(false);
        return response.GetResult();
    }

    /// <summary>Sends a typed command under the name the server answers to and returns the response as it came.</summary>
    public static Task<MiResponse> SendAsync(MiClient client, string method, MiParams parameters, CancellationToken cancellationToken, TimeSpan? timeout = null) =>
        MiCommandRouter.CommandAsync(client, method, parameters, timeout, cancellationToken);

    /// <summary>Runs a command whose result is only an acknowledgement (usually the string <c>"OK"</c>).</summary>
    public static async Task RunOkAsync(MiClient client, string method, MiParams parameters, CancellationToken cancellationToken)
    {
        _ = await RunAsync(client, method, parameters, cancellationToken).ConfigureAwait(false);
    }

    public static JsonElement RequireObject(JsonElement result, string method)
    {
        if (result.ValueKind != JsonValueKind.Object)
        {
            throw new MiProtocolException(
                $"OpenSIPS answered '{method}' with a JSON {result.ValueKind}, not the object this typed command reads; use CommandAsync for the raw reply.",
                result.GetRawText());
        }

        return result;
    }

    public static bool TryMember(JsonElement obj, string name, out JsonElement value)
    {
        if (obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null)
        {
            return true;
        }

        value = default;
        return false;
    }

    public static string? String(JsonElement obj, string name) =>
        TryMember(obj, name, out var v) ? AsText(v) : null;

    public static string? AsText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => value.GetRawText(),
    };

    public static long? Int64(JsonElement obj, string name) =>
        TryMember(obj, name, out var v) ? AsInt64(v) : null;

    public static int? Int32(JsonElement obj, string name) =>
        Int64(obj, name) is { } l && l is >= int.MinValue and <= int.MaxValue ? (int)l : null;

    public static long? AsInt64(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Number:
                if (value.TryGetInt64(out var l))
                {
                    return l;
                }

                var d = value.GetDouble();
                return d >= long.MaxValue ? long.MaxValue : d <= long.MinValue ? long.MinValue : (long)d;
            case JsonValueKind.String:
                var s = value.GetString();
                return long.TryParse(s?.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
            case JsonValueKind.True:
                return 1;
            case JsonValueKind.False:
                return 0;
            default:
                return null;
        }
    }

    /// <summary>Reads <c>true</c>/<c>false</c>, numbers (non-zero is true) and the strings OpenSIPS uses: yes/no, on/off, enabled/disabled.</summary>
    public static bool? Bool(JsonElement obj, string name) =>
        TryMember(obj, name, out var v) ? AsBool(v) : null;

    public static bool? AsBool(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => AsInt64(value) is { } n ? n != 0 : null,
        JsonValueKind.String => value.GetString()?.Trim().ToUpperInvariant() switch
        {
            "YES" or "ON" or "TRUE" or "1" or "ENABLED" or "ACTIVE" => true,
            "NO" or "OFF" or "FALSE" or "0" or "DISABLED" or "INACTIVE" => false,
            _ => null,
        },
        _ => null,
    };

    public static IEnumerable<JsonElement> Array(JsonElement obj, string name) =>
        TryMember(obj, name, out var v) && v.ValueKind == JsonValueKind.Array ? v.EnumerateArray() : [];

    public static IReadOnlyList<T> List<T>(JsonElement obj, string name, Func<JsonElement, T> read) =>
        Array(obj, name).Select(read).ToArray();

    public static IReadOnlyList<string> Strings(JsonElement array) =>
        array.ValueKind == JsonValueKind.Array ? array.EnumerateArray().Select(e => AsText(e) ?? string.Empty).ToArray() : [];

    /// <summary>Parses OpenSIPS's <c>"N [sec]"</c> durations.</summary>
    public static TimeSpan? Seconds(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var span = text.AsSpan().Trim();
        var end = 0;
        while (end < span.Length && char.IsAsciiDigit(span[end]))
        {
            end++;
        }

        return end > 0 && long.TryParse(span[..end], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : null;
    }

    private static readonly string[] CTimeFormats = ["ddd MMM d HH:mm:ss yyyy", "ddd MMM dd HH:mm:ss yyyy"];

    /// <summary>Parses C <c>ctime()</c> text such as <c>"Wed Aug  9 19:41:28 2023"</c> (server local time, so the kind is unspecified).</summary>
    public static DateTime? CTime(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var collapsed = string.Join(' ', text.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return DateTime.TryParseExact(collapsed, CTimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var value)
            ? value
            : null;
    }

    /// <summary>Parses <c>"%Y-%m-%d %H:%M:%S"</c> (server local time).</summary>
    public static DateTime? IsoLocal(string? text) =>
        DateTime.TryParseExact(text?.Trim(), "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var value)
            ? value
            : null;

    /// <summary>Converts a unix time in seconds (0 means "not set").</summary>
    public static DateTimeOffset? UnixTime(long? seconds) =>
        seconds is > 0 and < 253402300800 ? DateTimeOffset.FromUnixTimeSeconds(seconds.Value) : null;
}
