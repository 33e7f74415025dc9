using System.Text.Json;

namespace OpenSips.Mi.Tests.Events;

/// <summary>Typed views over the captured payloads (docs/wire-facts.md#ev-payloads) and tolerant reading.</summary>
public class MiEventTests
{
    private static MiEvent Captured(string file)
    {
        using var doc = JsonDocument.Parse(WireCaptures.ReadBytes("events/" + file));
        var root = doc.RootElement;
        return new MiEvent(root.GetProperty("method").GetString()!, root.GetProperty("params").Clone(), DateTimeOffset.UnixEpoch, "udp:127.0.0.1:41822");
    }

    [Fact]
    public void Usrloc_aor_and_contact_payloads_as_captured()
    {
        var aor = Captured("register_carol.udp.01").AsUsrlocAor();
        Assert.Equal(new MiUsrlocAorEvent("location", "carol"), aor);

        var contact = Captured("register_carol.udp.02").AsUsrlocContact()!;
        Assert.Equal("carol", contact.Aor);
        Assert.Equal("sip:carol@127.0.0.1:5082", contact.Uri);
        Assert.Null(contact.Received);
        Assert.Null(contact.Path);
        Assert.Equal(-1, contact.Qval);
        Assert.Equal("opensips-wire-capture", contact.UserAgent);
        Assert.Equal("udp:127.0.0.1:5060", contact.Socket);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1795715019), contact.Expires);
        Assert.Equal("reg-carol-1@127.0.0.1", contact.CallId);
        Assert.Equal(1, contact.CSeq);
        Assert.Equal(0, contact.Latency);

        var deleted = Captured("unregister_carol.udp.01");
        Assert.Equal("E_UL_CONTACT_DELETE", deleted.Name);
        Assert.Equal(contact, deleted.AsUsrlocContact());
    }

    [Fact]
    public void Core_threshold_as_captured_and_array_params_with_duplicate_empty_keys()
    {
        Assert.Equal(new MiCoreThresholdEvent("mi-test", 123, "x"), Captured("raise_event_core_threshold_received.udp.01").AsCoreThreshold());

        var array = Captured("raise_event_array_params_received.udp.01");
        Assert.Equal(["1", "two", "3"], array.Params.EnumerateObject().Select(p => p.Value.GetString()!));
        Assert.All(array.Params.EnumerateObject(), p => Assert.Equal(string.Empty, p.Name));
    }

    [Fact]
    public void Dialog_and_pike_views_are_tolerant_of_strings_numbers_and_missing_members()
    {
        using var doc = JsonDocument.Parse("""{"id":"1234.5678","db_id":"99","callid":"c@h","from_tag":"f","to_tag":"t","old_state":"3","new_state":4,"ip":"10.0.0.1"}""");
        var ev = new MiEvent("E_DLG_STATE_CHANGED", doc.RootElement.Clone(), DateTimeOffset.UnixEpoch, "udp:127.0.0.1:1");
        var dlg = ev.AsDialogStateChanged()!;
        Assert.Equal(("1234.5678", "99", "c@h", "f", "t", 3L, 4L), (dlg.Id, dlg.DbId, dlg.CallId, dlg.FromTag, dlg.ToTag, dlg.OldState, dlg.NewState));
        Assert.Null(dlg.HashEntry);
        Assert.Equal("10.0.0.1", ev.AsPikeBlocked()!.Ip);
        Assert.Null(ev.AsCoreThreshold()!.Time);

        var noParams = new MiEvent("E_X", default, DateTimeOffset.UnixEpoch, "udp:127.0.0.1:1");
        Assert.Null(noParams.AsUsrlocContact());
        Assert.Null(noParams.GetString("a"));
        Assert.Contains("E_X", noParams.ToString(), StringComparison.Ordinal);
    }
}
