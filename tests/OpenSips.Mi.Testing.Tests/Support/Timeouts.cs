namespace OpenSips.Mi.Testing.Tests;

internal static class Timeouts
{
    public static CancellationTokenSource Test(int seconds = 10) =>
        CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken, new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token);

    public static readonly TimeSpan Silence = TimeSpan.FromMilliseconds(300);
}
