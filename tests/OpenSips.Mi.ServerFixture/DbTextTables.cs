using System.Globalization;
using System.Text;

namespace OpenSips.Mi.ServerFixture;

/// <summary>
/// The db_text tables an instance starts with (dispatcher, load_balancer, drouting, permissions, domain). Formats are
/// those of each version's <c>scripts/dbtext/opensips/</c>: a header line of typed columns, then rows separated by
/// <c>:</c> (a literal colon written <c>\:</c>); an empty field is NULL, so NOT NULL strings always carry a value.
/// </summary>
public static class DbTextTables
{
    /// <summary>The dispatcher set with two destinations.</summary>
    public const int DispatcherSet = 1;

    /// <summary>The load_balancer group.</summary>
    public const int LoadBalancerGroup = 1;

    /// <summary>The load_balancer resource of that group, with its capacity.</summary>
    public const string LoadBalancerResources = "pstn=10";

    /// <summary>The drouting gateway id.</summary>
    public const string GatewayId = "gw1";

    /// <summary>The drouting carrier id.</summary>
    public const string CarrierId = "carrier1";

    /// <summary>The domain in the domain table.</summary>
    public const string Domain = "example.test";

    /// <summary>The permissions address group.</summary>
    public const int AddressGroup = 1;

    /// <summary>The dispatcher destinations (never contacted: probing is off).</summary>
    public static IReadOnlyList<string> DispatcherDestinations(ServerPorts ports)
    {
        ArgumentNullException.ThrowIfNull(ports);
        return [Uri(ports.Sip + 1), Uri(ports.Sip + 2)];
    }

    /// <summary>The load_balancer destination.</summary>
    public static string LoadBalancerDestination(ServerPorts ports)
    {
        ArgumentNullException.ThrowIfNull(ports);
        return Uri(ports.Sip + 3);
    }

    /// <summary>The drouting gateway address.</summary>
    public static string GatewayAddress(ServerPorts ports)
    {
        ArgumentNullException.ThrowIfNull(ports);
        return string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{ports.Sip + 4}");
    }

    internal static void Write(string version, ServerPorts ports)
    {
        var dir = Directory.CreateDirectory(ports.DbDirectory).FullName;
        var modernDomain = version != "3.4.18";
        Table(dir, "version", "table_name(string) table_version(int)",
            "address:5", "dispatcher:9", $"domain:{(modernDomain ? 4 : 3)}", "dr_carriers:3", "dr_gateways:6", "dr_groups:2",
            "dr_partitions:1", "dr_rules:4", "load_balancer:3");
        var destinations = DispatcherDestinations(ports);
        Table(dir, "dispatcher",
            "id(int,auto) setid(int) destination(string) socket(string,null) state(int) probe_mode(int) weight(string) priority(int) attrs(string,null) description(string,null)",
            $"1:{DispatcherSet}:{Escape(destinations[0])}::0:0:1:0:first:first destination",
            $"2:{DispatcherSet}:{Escape(destinations[1])}::0:0:1:0:second:second destination");
        Table(dir, "load_balancer",
            "id(int,auto) group_id(int) dst_uri(string) resources(string) probe_mode(int) attrs(string,null) description(string,null)",
            $"1:{LoadBalancerGroup}:{Escape(LoadBalancerDestination(ports))}:{LoadBalancerResources}:0::pstn gateway");
        Table(dir, "dr_gateways",
            "id(int,auto) gwid(string) type(int) address(string) strip(int) pri_prefix(string,null) attrs(string,null) probe_mode(int) state(int) socket(string,null) description(string,null)",
            $"1:{GatewayId}:0:{Escape(GatewayAddress(ports))}:0:::0:0::test gateway");
        Table(dir, "dr_rules",
            "ruleid(int,auto) groupid(string) prefix(string) timerec(string,null) priority(int) routeid(string,null) gwlist(string,null) sort_alg(string) sort_profile(int,null) attrs(string,null) description(string,null)",
            $"1:0:49::0::{GatewayId}:N:::german numbers");
        Table(dir, "dr_carriers",
            "id(int,auto) carrierid(string) gwlist(string) flags(int) sort_alg(string) state(int) attrs(string,null) description(string,null)",
            $"1:{CarrierId}:{GatewayId}:0:N:0::test carrier");
        Table(dir, "dr_groups", "id(int,auto) username(string) domain(string,null) groupid(int) description(string,null)");
        Table(dir, "dr_partitions",
            "id(int,auto) partition_name(string) db_url(string) drd_table(string,null) drr_table(string,null) drg_table(string,null) drc_table(string,null) ruri_avp(string,null) gw_id_avp(string,null) gw_priprefix_avp(string,null) gw_sock_avp(string,null) rule_id_avp(string,null) rule_prefix_avp(string,null) carrier_id_avp(string,null)");
        Table(dir, "address",
            "id(int,auto) grp(int) ip(string) mask(int) port(int) proto(string) pattern(string,null) context_info(string,null)",
            $"1:{AddressGroup}:127.0.0.1:32:0:any::loopback");
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        if (modernDomain)
        {
            Table(dir, "domain", "id(int,auto) domain(string) attrs(string,null) accept_subdomain(int) last_modified(int)",
                $"1:{Domain}::0:{now}");
        }
        else
        {
            Table(dir, "domain", "id(int,auto) domain(string) attrs(string,null) last_modified(int)", $"1:{Domain}::{now}");
        }
    }

    private static string Uri(int port) => string.Create(CultureInfo.InvariantCulture, $"sip:127.0.0.1:{port}");

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace(":", "\\:", StringComparison.Ordinal);

    private static void Table(string dir, string name, string header, params string[] rows)
    {
        var text = new StringBuilder(header).Append(" \n");
        foreach (var row in rows)
        {
            text.Append(row).Append('\n');
        }

        File.WriteAllText(Path.Combine(dir, name), text.ToString(), new UTF8Encoding(false));
    }
}
