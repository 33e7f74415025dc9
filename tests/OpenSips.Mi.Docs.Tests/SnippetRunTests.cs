using System.Reflection;
using OpenSips.Mi.Docs.Tests.Checks;
using OpenSips.Mi.Testing;

namespace OpenSips.Mi.Docs.Tests;

/// <summary>The snippet methods: each runs against the emulator or says why it cannot; each region is shown somewhere.</summary>
public sealed class SnippetRunTests
{
    private static IEnumerable<MethodInfo> SnippetMethods() =>
        typeof(SnippetRunTests).Assembly.GetTypes()
            .Where(t => t.Namespace == "OpenSips.Mi.Docs.Tests.Snippets")
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => !m.IsSpecialName);

    public static TheoryData<string> Runnable() =>
        [.. SnippetMethods().Where(m => m.GetCustomAttribute<RunsAttribute>() is not null).Select(m => m.DeclaringType!.Name + "." + m.Name)];

    [Theory]
    [MemberData(nameof(Runnable))]
    public async Task Runnable_snippet_runs_against_the_emulator(string name)
    {
        var method = SnippetMethods().Single(m => m.DeclaringType!.Name + "." + m.Name == name);
        var ct = TestContext.Current.CancellationToken;
        await using var emulator = await MiEmulator.StartAsync(cancellationToken: ct);
        await using var client = MiClient.Connect(emulator.UdpUri);
        var args = method.GetParameters().Select(p => p.ParameterType switch
        {
            var t when t == typeof(MiEmulator) => (object)emulator,
            var t when t == typeof(MiClient) => client,
            var t when t == typeof(CancellationToken) => ct,
            var t => throw new InvalidOperationException($"{name}: no value for a parameter of type {t.Name}"),
        }).ToArray();

        // The far end of t_uac_dlg answers 200 OK, as a phone would.
        emulator.UacResponder = (request, _) => Task.FromResult(MiUac.Final("200 OK", MiUac.ReplyMessage(request)));
        if (method.Invoke(null, args) is Task run)
        {
            await run.WaitAsync(TimeSpan.FromSeconds(60), ct);
        }
    }

    [Fact]
    public void Every_snippet_method_runs_or_says_why_it_cannot()
    {
        var unmarked = SnippetMethods()
            .Where(m => m.GetCustomAttribute<RunsAttribute>() is null && string.IsNullOrWhiteSpace(m.GetCustomAttribute<CompileOnlyAttribute>()?.Reason))
            .Select(m => m.DeclaringType!.Name + "." + m.Name)
            .ToList();

        Assert.True(unmarked.Count == 0, "mark these [Runs] or [CompileOnly(\"why\")]: " + string.Join(", ", unmarked));
    }

    [Fact]
    public void Every_snippet_region_is_shown_by_a_page()
    {
        var shown = Repository.MarkdownPages()
            .SelectMany(p => Markdown.Blocks(p, Repository.Read(p)))
            .Select(b => Markdown.SnippetName(b.MarkerBefore))
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);

        var unused = SnippetSources.All.Keys.Where(k => !shown.Contains(k)).Order(StringComparer.Ordinal).ToList();

        Assert.True(unused.Count == 0, "regions no page shows: " + string.Join(", ", unused));
    }
}
