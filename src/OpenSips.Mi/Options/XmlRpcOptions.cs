namespace OpenSips.Mi;

/// <summary>mi_xmlrpc_ng (XML-RPC on OpenSIPS's httpd, by default <c>http://127.0.0.1:8888/RPC2</c>).</summary>
public sealed record XmlRpcOptions : HttpOptions
{
    /// <summary>Creates the options.</summary>
    /// <param name="url">The absolute http or https URL of the XML-RPC root.</param>
    public XmlRpcOptions(Uri url)
        : base(url)
    {
    }

    /// <inheritdoc/>
    public override string TransportName => "mi_xmlrpc_ng";

    /// <inheritdoc/>
    public override string ToUriString() => "xmlrpc+" + RedactedUrl(Url);
}
