using System.Text.Json;

namespace OpenSips.Mi.Tests.Core;

public class MiParamsTests
{
    [Fact]
    public void A_string_array_stays_one_array_parameter()
    {
        var p = MiParams.Positional(new[] { "dialog:", "tm:" });
        Assert.Equal(MiParamsKind.Positional, p.Kind);
        Assert.Equal(1, p.Count);
        Assert.Equal("""[["dialog:","tm:"]]""", p.ToString());
    }

    [Fact]
    public void A_list_stays_one_array_parameter()
    {
        var p = MiParams.Positional(MiValue.From(new List<int> { 1, 0 }));
        Assert.Equal("[[1,0]]", p.ToString());
    }

    [Fact]
    public void Several_values_are_several_positional_parameters()
    {
        Assert.Equal("""["location","alice"]""", MiParams.Positional("location", "alice").ToString());
    }

    [Fact]
    public void Values_of_every_json_type_are_encoded()
    {
        var p = MiParams.Positional("s", 4294967295L, true, MiValue.Null, MiValue.Array(1, "x"),
            MiValue.Object(("a", 1), ("b", MiValue.Object(("c", false)))));
        Assert.Equal("""["s",4294967295,true,null,[1,"x"],{"a":1,"b":{"c":false}}]""", p.ToString());
    }

    [Fact]
    public void Named_params_keep_their_order()
    {
        Assert.Equal("""{"level":3,"pid":1}""", MiParams.Named(("level", 3), ("pid", 1)).ToString());
    }

    [Fact]
    public void Named_params_from_a_dictionary_convert_plain_values()
    {
        var p = MiParams.Named(new Dictionary<string, object?> { ["table"] = "location", ["aor"] = "alice" });
        Assert.Equal(MiParamsKind.Named, p.Kind);
        Assert.Equal("""{"table":"location","aor":"alice"}""", p.ToString());
    }

    [Fact]
    public void Named_params_from_an_anonymous_object_use_its_properties()
    {
        Assert.Equal("""{"level":3,"pid":1}""", MiParams.FromObject(new { level = 3, pid = 1 }).ToString());
    }

    [Fact]
    public void A_repeated_name_is_refused_with_the_name()
    {
        var ex = Assert.Throws<ArgumentException>(() => MiParams.Named(("level", 1), ("level", 2)));
        Assert.Contains("'level'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_name_is_refused()
    {
        Assert.Throws<ArgumentException>(() => MiParams.Named(("", 1)));
    }

    [Fact]
    public void No_values_means_no_params()
    {
        Assert.Same(MiParams.None, MiParams.Positional());
        Assert.Same(MiParams.None, MiParams.Named(Array.Empty<KeyValuePair<string, object?>>()));
    }

    [Fact]
    public void An_unsupported_type_is_refused_with_its_name()
    {
        var ex = Assert.Throws<ArgumentException>(() => MiValue.From(new Uri("http://x")));
        Assert.Contains("System.Uri", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_values_pass_through_unchanged()
    {
        using var doc = JsonDocument.Parse("""{"a":[1,2.5,"x",null,true]}""");
        Assert.Equal("""{"a":[1,2.5,"x",null,true]}""", MiValue.FromJson(doc.RootElement).ToJsonString());
    }

    [Fact]
    public void Non_finite_numbers_are_refused()
    {
        Assert.Throws<ArgumentException>(() => MiValue.FromDouble(double.NaN));
    }
}
