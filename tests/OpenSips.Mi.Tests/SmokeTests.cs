namespace OpenSips.Mi.Tests;

public class SmokeTests
{
    [Fact]
    public void Positional_array_stays_one_parameter()
    {
        var p = MiParams.Positional(new[] { "dialog:", "tm:" });
        Assert.Equal(1, p.Count);
        Assert.Equal("[[\"dialog:\",\"tm:\"]]", p.ToString());
    }
}
