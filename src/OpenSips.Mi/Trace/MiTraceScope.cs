namespace OpenSips.Mi.Trace;

/// <summary>What OpenSIPS traces once a request matches the filters (<c>trace_start</c>'s <c>scope</c>).</summary>
public enum MiTraceScope
{
    /// <summary>
    /// <c>t</c>: the matching request, and everything of its transaction: the replies OpenSIPS sends (stateless ones
    /// too), the request forwarded and the replies that come back. The default: a REGISTER shows with its reply.
    /// </summary>
    Transaction,

    /// <summary><c>m</c>: only the matching request itself, as received (no reply).</summary>
    Message,

    /// <summary>
    /// <c>d</c>: OpenSIPS's own default. Only an initial INVITE (no To tag) starts it, and then the whole dialog is traced;
    /// every other request (REGISTER, OPTIONS, MESSAGE, in-dialog requests of dialogs started before) is not traced.
    /// </summary>
    Dialog,
}
