namespace OpenSips.Mi;

/// <summary>What a <see cref="Reactor"/> receives for: the sockets or reply FIFOs of one exchange.</summary>
internal interface IReactorWork
{
    /// <summary>True while calls wait for replies.</summary>
    bool HasWork { get; }

    /// <summary>
    /// On the reactor's own thread: blocks until a reply may be ready, without reading it. Returns false once the work is
    /// closed (disposed), which ends the thread.
    /// </summary>
    bool WaitCold();

    /// <summary>
    /// On the leader (a thread-pool thread): waits at most <see cref="Reactor.HotWindowMilliseconds"/> for a reply, reads
    /// what is ready and completes its calls, inline when <see cref="Reactor.TryEnterUserCode"/> allows. Returns false when
    /// nothing arrived in time.
    /// </summary>
    bool ProcessHot(Reactor reactor);
}
