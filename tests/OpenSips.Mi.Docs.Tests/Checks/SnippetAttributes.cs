namespace OpenSips.Mi.Docs.Tests;

/// <summary>
/// A snippet method that the tests run against a fresh emulator. Its parameters are supplied by type:
/// <see cref="Testing.MiEmulator"/>, <see cref="MiClient"/> (connected to the emulator's mi_datagram) and <see cref="CancellationToken"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class RunsAttribute : Attribute;

/// <summary>A snippet method that is compiled but not run, and why (it needs a real server, a phone, a host…).</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class CompileOnlyAttribute(string reason) : Attribute
{
    public string Reason { get; } = reason;
}
