namespace OpenSips.Mi.Testing;

/// <summary>An OpenSIPS MI emulator on loopback (work in progress).</summary>
public static class MiEmulatorPlaceholder
{
}
