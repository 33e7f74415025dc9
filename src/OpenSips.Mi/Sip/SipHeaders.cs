using System.Collections;
using System.Text;

namespace OpenSips.Mi.Sip;

/// <summary>One SIP header line: a name and its value, as in <c>Event: check-sync</c>.</summary>
/// <param name="Name">The header name as written (for example <c>Event</c> or the compact <c>f</c>).</param>
/// <param name="Value">The header value, one line, without the leading space.</param>
public readonly record struct SipHeader(string Name, string Value)
{
    /// <inheritdoc/>
    public override string ToString() => Name + ": " + Value;
}

/// <summary>
/// An ordered list of SIP headers that allows repeated names (several <c>Route</c> lines, say), for <c>t_uac_dlg</c>
/// requests and parsed replies. Names compare case-insensitively and compact forms count (<c>f</c> is <c>From</c>,
/// <c>t</c> is <c>To</c>, <c>c</c> is <c>Content-Type</c>, <c>l</c> is <c>Content-Length</c>, …).
/// </summary>
/// <remarks>
/// <see cref="Add(string, string)"/> refuses names that are not SIP tokens and values containing CR, LF or NUL (or the
/// <c>\r</c>/<c>\n</c> escapes OpenSIPS would turn into line breaks), so a value can never inject a header.
/// </remarks>
/// <example>
/// <code>
/// var headers = new SipHeaders
/// {
///     { "From", "&lt;sip:opensips@192.0.2.1&gt;;tag=8755a8d0" },
///     { "To", "&lt;sip:alice@192.0.2.10&gt;" },
///     { "Event", "check-sync" },
/// };
/// </code>
/// </example>
public sealed class SipHeaders : IReadOnlyList<SipHeader>
{
    private readonly List<SipHeader> _items;

    /// <summary>Creates an empty list.</summary>
    public SipHeaders()
    {
        _items = [];
    }

    /// <summary>Creates a list from name/value pairs (a dictionary, say), in enumeration order.</summary>
    /// <param name="headers">The headers.</param>
    /// <exception cref="ArgumentException">A name is not a SIP token or a value contains CR, LF or NUL.</exception>
    public SipHeaders(IEnumerable<KeyValuePair<string, string>> headers)
        : this()
    {
        ArgumentNullException.ThrowIfNull(headers);
        foreach (var header in headers)
        {
            Add(header.Key, header.Value);
        }
    }

    /// <summary>Creates a list from headers, in order.</summary>
    /// <param name="headers">The headers.</param>
    /// <exception cref="ArgumentException">A name is not a SIP token or a value contains CR, LF or NUL.</exception>
    public SipHeaders(IEnumerable<SipHeader> headers)
        : this()
    {
        ArgumentNullException.ThrowIfNull(headers);
        foreach (var header in headers)
        {
            Add(header.Name, header.Value);
        }
    }

    /// <summary>The number of header lines.</summary>
    public int Count => _items.Count;

    /// <summary>The header line at <paramref name="index"/>.</summary>
    /// <param name="index">A position from 0.</param>
    public SipHeader this[int index] => _items[index];

    /// <summary>The first value of a header, or <see langword="null"/>; setting replaces every line of that header (see <see cref="Set"/>).</summary>
    /// <param name="name">The header name (case-insensitive; compact forms count).</param>
    public string? this[string name]
    {
        get => GetFirst(name);
        set
        {
            if (value is null)
            {
                Remove(name);
            }
            else
            {
                Set(name, value);
            }
        }
    }

    /// <summary>Creates a list from a dictionary-like sequence of name/value pairs.</summary>
    /// <param name="headers">The headers.</param>
    /// <returns>The list.</returns>
    public static SipHeaders FromDictionary(IEnumerable<KeyValuePair<string, string>> headers) => new(headers);

    /// <summary>Converts a dictionary (the Ruby gem's header hash) to headers, in its enumeration order.</summary>
    /// <param name="headers">The headers.</param>
    /// <exception cref="ArgumentException">A name is not a SIP token or a value contains CR, LF or NUL.</exception>
    public static implicit operator SipHeaders(Dictionary<string, string> headers) => FromDictionary(headers);

    /// <summary>Appends a header line (repeated names are kept as separate lines).</summary>
    /// <param name="name">A SIP token such as <c>Event</c>.</param>
    /// <param name="value">The value on one line.</param>
    /// <exception cref="ArgumentException">The name is not a SIP token, or the value contains CR, LF, NUL or a <c>\r</c>/<c>\n</c> escape.</exception>
    public void Add(string name, string value)
    {
        SipHeaderValidation.ValidateHeader(name, value, nameof(name));
        _items.Add(new SipHeader(name, value));
    }

    /// <summary>Appends a header line.</summary>
    /// <param name="header">The header.</param>
    /// <exception cref="ArgumentException">See <see cref="Add(string, string)"/>.</exception>
    public void Add(SipHeader header) => Add(header.Name, header.Value);

    /// <summary>Replaces every line of a header by one line at the position of the first, or appends it.</summary>
    /// <param name="name">The header name.</param>
    /// <param name="value">The new value.</param>
    /// <exception cref="ArgumentException">See <see cref="Add(string, string)"/>.</exception>
    public void Set(string name, string value)
    {
        SipHeaderValidation.ValidateHeader(name, value, nameof(name));
        var index = IndexOf(name);
        if (index < 0)
        {
            _items.Add(new SipHeader(name, value));
            return;
        }

        _items[index] = new SipHeader(name, value);
        for (var i = _items.Count - 1; i > index; i--)
        {
            if (SipHeaderValidation.SameHeader(_items[i].Name, name))
            {
                _items.RemoveAt(i);
            }
        }
    }

    /// <summary>Removes every line of a header.</summary>
    /// <param name="name">The header name (compact forms count).</param>
    /// <returns>The number of lines removed.</returns>
    public int Remove(string name) => _items.RemoveAll(h => SipHeaderValidation.SameHeader(h.Name, name));

    /// <summary>True when the header is present (case-insensitive; <c>f</c> counts as <c>From</c>).</summary>
    /// <param name="name">The header name.</param>
    /// <returns>Whether at least one line has that name.</returns>
    public bool Contains(string name) => IndexOf(name) >= 0;

    /// <summary>The first value of a header.</summary>
    /// <param name="name">The header name.</param>
    /// <returns>The value, or <see langword="null"/> when absent.</returns>
    public string? GetFirst(string name)
    {
        var index = IndexOf(name);
        return index < 0 ? null : _items[index].Value;
    }

    /// <summary>Every value of a header, in order.</summary>
    /// <param name="name">The header name.</param>
    /// <returns>The values (empty when absent).</returns>
    public IReadOnlyList<string> GetAll(string name) =>
        _items.Where(h => SipHeaderValidation.SameHeader(h.Name, name)).Select(h => h.Value).ToArray();

    /// <summary>A copy that can be changed without touching this list.</summary>
    /// <returns>The copy.</returns>
    public SipHeaders Clone()
    {
        var copy = new SipHeaders();
        copy._items.AddRange(_items);
        return copy;
    }

    /// <summary>The lines as <c>t_uac_dlg</c> expects them: <c>Name: value</c>, each ended by CRLF including the last, no blank line.</summary>
    /// <returns>The header block (empty when there are no headers).</returns>
    public string ToHeaderBlock()
    {
        var text = new StringBuilder();
        foreach (var header in _items)
        {
            text.Append(header.Name).Append(": ").Append(header.Value).Append("\r\n");
        }

        return text.ToString();
    }

    /// <summary>
    /// Parses a header section as OpenSIPS and phones send it: lines ended by CRLF (or bare LF, as after XML-RPC),
    /// continuation lines folded in, up to the first empty line. Lines without a colon are skipped.
    /// </summary>
    /// <param name="text">The header lines.</param>
    /// <returns>The headers, in order.</returns>
    public static SipHeaders Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var headers = new SipHeaders();
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.EndsWith('\r') ? rawLine[..^1] : rawLine;
            if (line.Length == 0)
            {
                break;
            }

            if (line[0] is ' ' or '\t')
            {
                if (headers._items.Count > 0)
                {
                    var last = headers._items[^1];
                    headers._items[^1] = last with { Value = last.Value + " " + line.Trim() };
                }

                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            headers._items.Add(new SipHeader(line[..colon].TrimEnd(), line[(colon + 1)..].Trim()));
        }

        return headers;
    }

    /// <inheritdoc/>
    public IEnumerator<SipHeader> GetEnumerator() => _items.GetEnumerator();

    /// <inheritdoc/>
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    public override string ToString() => ToHeaderBlock();

    private int IndexOf(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _items.FindIndex(h => SipHeaderValidation.SameHeader(h.Name, name));
    }
}
