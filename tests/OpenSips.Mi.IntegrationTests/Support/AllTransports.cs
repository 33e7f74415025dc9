namespace OpenSips.Mi.IntegrationTests.Support;

/// <summary>Theory data: every MI transport a real server serves.</summary>
public static class AllTransports
{
    public static TheoryData<MiTransportKind> Kinds => [.. Enum.GetValues<MiTransportKind>()];
}
