namespace OpenSips.Mi.Testing;

/// <summary>What a <see cref="MiFault"/> does to a reply.</summary>
public enum MiFaultKind
{
    /// <summary>The reply is not sent.</summary>
    DropReply,

    /// <summary>The reply is sent after a delay.</summary>
    DelayReply,

    /// <summary>The reply is sent twice (datagram, fifo: written twice).</summary>
    DuplicateReply,

    /// <summary>Only the first N bytes of the reply are sent.</summary>
    TruncateReply,

    /// <summary>Other bytes are sent instead of the reply.</summary>
    ReplaceReply,

    /// <summary>HTTP: half the response is written, then the connection is closed.</summary>
    CloseConnection,

    /// <summary>HTTP: status line and chunked headers only; the body never comes (like OpenSIPS's non-200 replies).</summary>
    NeverEndingBody,

    /// <summary>FIFO: the reply FIFO is never opened (the client waits for a writer forever).</summary>
    NeverOpenReply,

    /// <summary>FIFO: half the reply is written and the FIFO is held open without EOF until the emulator stops.</summary>
    HalfReplyThenStop,
}
