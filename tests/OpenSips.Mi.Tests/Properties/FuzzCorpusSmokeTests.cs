using OpenSips.Mi.Fuzz;

namespace OpenSips.Mi.Tests.Properties;

/// <summary>
/// The CI part of fuzzing: every fuzz target replays its whole corpus (seeds captured from OpenSIPS 3.6.8, plus every
/// crash a fuzzer ever found, kept under <c>tests/fuzz/corpus/&lt;target&gt;/</c>). The fuzzers themselves run by hand
/// (tests/fuzz/README.md).
/// </summary>
public sealed class FuzzCorpusSmokeTests
{
    public static TheoryData<string> Targets() => [.. FuzzTargets.Names];

    [Theory]
    [MemberData(nameof(Targets))]
    public void Every_corpus_input_is_handled_without_an_unexpected_exception(string target)
    {
        var corpus = Path.Combine(RepositoryRoot(), "tests", "fuzz", "corpus", target);
        var files = Directory.GetFiles(corpus);
        Assert.NotEmpty(files);

        foreach (var file in files)
        {
            var ex = Record.Exception(() => FuzzTargets.Run(target, File.ReadAllBytes(file)));
            Assert.True(ex is null, $"{target} on {Path.GetFileName(file)}: {ex}");
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OpenSips.Mi.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("OpenSips.Mi.slnx not found above " + AppContext.BaseDirectory);
    }
}
