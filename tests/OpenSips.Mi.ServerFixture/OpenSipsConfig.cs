using System.Globalization;
using System.Text;

namespace OpenSips.Mi.ServerFixture;

/// <summary>Writes the configuration of a test instance: loopback only, the ports and paths of <see cref="ServerPorts"/>.</summary>
internal static class OpenSipsConfig
{
    /// <summary>
    /// The default request route: REGISTER is saved in usrloc; an INVITE creates a dialog (profiles <c>calls</c> and
    /// <c>caller</c>/<c>$fU</c>) and is relayed to its R-URI with record-routing, so a call between two loopback phones
    /// becomes a real dialog; in-dialog requests follow the route set; MESSAGE goes through pike (flood detection).
    /// </summary>
    public const string DefaultRoute = """
        if (!mf_process_maxfwd_header(10)) {
            send_reply(483, "Too Many Hops");
            exit;
        }
        if (has_totag()) {
            if (loose_route()) {
                t_relay();
                exit;
            }
            if (is_method("ACK")) {
                if (t_check_trans())
                    t_relay();
                exit;
            }
            send_reply(404, "Not here");
            exit;
        }
        if (is_method("CANCEL")) {
            if (t_check_trans())
                t_relay();
            exit;
        }
        if (is_method("REGISTER")) {
            if (!save("location"))
                sl_reply_error();
            exit;
        }
        if (is_method("OPTIONS")) {
            send_reply(200, "OK");
            exit;
        }
        if (is_method("MESSAGE")) {
            if (!pike_check_req()) {
                send_reply(503, "Flood");
                exit;
            }
            send_reply(202, "Accepted");
            exit;
        }
        if (is_method("INVITE")) {
            create_dialog();
            set_dlg_profile("calls");
            set_dlg_profile("caller", "$fU");
            record_route();
            t_relay();
            exit;
        }
        send_reply(403, "Forbidden");
        exit;
    """;

    public static string Build(OpenSipsServerOptions options, OpenSipsInstallation installation, ServerPorts ports)
    {
        var inv = CultureInfo.InvariantCulture;
        var db = "text://" + ports.DbDirectory;
        var cfg = new StringBuilder();
        void Line(string text) => cfg.Append(text).Append('\n');
        void Load(string module) => Line($"loadmodule \"{module}.so\"");
        void Param(string module, string name, object value) =>
            Line(value is string s
                ? $"modparam(\"{module}\", \"{name}\", \"{s}\")"
                : string.Create(inv, $"modparam(\"{module}\", \"{name}\", {value})"));

        Line($"# OpenSips.Mi test instance, OpenSIPS {installation.Version}: loopback only");
        Line(string.Create(inv, $"log_level={options.LogLevel}"));
        Line("stderror_enabled=yes");
        Line("syslog_enabled=no");
        Line("udp_workers=2");
        Line(string.Create(inv, $"socket=udp:127.0.0.1:{ports.Sip}"));
        if (options.Tracer)
        {
            Line(string.Create(inv, $"socket=hep_udp:127.0.0.1:{ports.Hep}"));
            Line(string.Create(inv, $"socket=hep_tcp:127.0.0.1:{ports.Hep}"));
        }

        Line($"mpath=\"{installation.ModulesDirectory}\"");
        Line("");
        Load("proto_udp");
        if (options.Tracer)
        {
            // hep_tcp needs no proto_tcp line (TCP is in the core); 4.0.1 refuses proto_tcp without a TCP listener.
            Load("proto_hep");
        }

        Load("signaling");
        Load("sl");
        Load("tm");
        Param("tm", "fr_timeout", options.FrTimeoutSeconds);
        Param("tm", "fr_inv_timeout", 30);
        Load("rr");
        Load("maxfwd");
        Load("sipmsgops");
        Load("textops");
        Load("usrloc");
        Param("usrloc", "working_mode_preset", "single-instance-no-db");
        Param("usrloc", "use_domain", 0);
        Load("registrar");
        Param("registrar", "max_contacts", 0);
        Load("dialog");
        Param("dialog", "profiles_no_value", "calls");
        Param("dialog", "profiles_with_value", "caller");
        Load("statistics");
        Load("event_datagram");
        Load("event_stream");
        Load("pike");
        Param("pike", "sampling_time_unit", 2);
        Param("pike", "reqs_density_per_unit", 5);
        Param("pike", "remove_latency", 4);
        Load("cachedb_local");
        Load("db_text");
        Load("dispatcher");
        Param("dispatcher", "db_url", db);
        Load("load_balancer");
        Param("load_balancer", "db_url", db);
        Load("drouting");
        Param("drouting", "db_url", db);
        Load("permissions");
        Param("permissions", "db_url", db);
        Load("domain");
        Param("domain", "db_url", db);
        Param("domain", "db_mode", 1);
        if (options.Tracer)
        {
            Load("tracer");
        }

        Line("");
        Load("mi_datagram");
        if (options.UnixDatagram)
        {
            Param("mi_datagram", "socket_name", ports.UnixSocketPath);
            Line("modparam(\"mi_datagram\", \"unix_socket_mode\", 0666)");
        }
        else
        {
            Param("mi_datagram", "socket_name", string.Create(inv, $"udp:127.0.0.1:{ports.MiDatagram}"));
        }

        Param("mi_datagram", "children_count", options.MiDatagramChildren);
        if (!options.UnixDatagram)
        {
            Load("mi_fifo");
            Param("mi_fifo", "fifo_name", ports.FifoPath);
            Line("modparam(\"mi_fifo\", \"fifo_mode\", 0666)");
            Param("mi_fifo", "reply_dir", ports.FifoReplyDirectory);
            Load("httpd");
            Param("httpd", "ip", "127.0.0.1");
            Param("httpd", "port", ports.Http);
            if (installation.HasHttpReceiveBufferSize)
            {
                Param("httpd", "receive_buf_size", options.HttpReceiveBufferSize);
            }

            Load("mi_http");
            Param("mi_http", "root", "mi");
            Load(installation.XmlRpcModule);
        }

        if (options.ExtraConfig is { } extra)
        {
            Line("");
            Line(extra);
        }

        Line("");
        Line("route {");
        Line(options.Route ?? DefaultRoute);
        Line("}");
        return cfg.ToString();
    }
}
