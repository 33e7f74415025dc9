namespace OpenSips.Mi.Testing;

/// <summary>An OpenSIPS process as <c>ps</c> and <c>log_level</c> list it.</summary>
/// <param name="Id">OpenSIPS process index.</param>
/// <param name="Pid">Operating-system PID.</param>
/// <param name="Type">Description, e.g. <c>"MI Datagram"</c>.</param>
public sealed record MiProcess(int Id, int Pid, string Type)
{
    /// <summary>The process's log level.</summary>
    public int LogLevel { get; set; } = 3;
}
