#!/usr/bin/env bash
# The library against raw floors on a real OpenSIPS on loopback, one table of ratios.
#
# Builds OpenSIPS with ../shared/opensips-server/build.sh, starts two instances on free loopback ports (mi_datagram over
# UDP plus mi_http, mi_xmlrpc_ng and mi_fifo on one; mi_datagram over a unix socket on the other: one mi_datagram socket
# per instance), then for every transport and concurrency runs `opensips-mi bench` (the library, warm-up excluded) and
# the raw floor alternately, round after round (A B A B A B), and prints the medians and their ratio. The servers are
# stopped by pid on exit, whatever happens.
#
# Floors: ../shared/opensips-server/rawfloor.py for UDP and HTTP, benchmarks/rawfloor_local.py for the unix socket and
# FIFO (same style: pre-encoded request, epoll, one call in flight per socket). XML-RPC has no floor of its own: its
# target is a ratio to the library's own mi_http in the same round.
#
# usage: benchmarks/real-server.sh [-n CALLS] [--rounds R] [--version 3.6.8] [--only "udp unix http xmlrpc fifo"]
#                                  [--cli PATH] [--aot] [--extra] [--inline] [--startup] [--out FILE]
#   --cli PATH  the opensips-mi to measure (default: a Release build of src/OpenSips.Mi.Cli, made here)
#   --aot       measure a Native AOT publish of the CLI instead (made here)
#   --extra     also: 64 calls in flight on one unix client, and 16 in flight of ~40 KB replies on UDP and unix
#   --inline    also: DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 against unset, alternately, for UDP, the lean mi_http
#               path and the HttpClient path
#   --startup   also: one-shot `opensips-mi -u udp://… uptime` of a Native AOT publish, wall time (hyperfine, median of
#               30 runs) and peak memory of the whole process (/usr/bin/time -v)
#   --profile   also: where the CPU goes at 16 in flight on mi_http and XML-RPC (library and --raw), sampled system-wide
#               with perf while the bench runs: the split between OpenSIPS and the client, and OpenSIPS's top libraries
#               and functions
#   --out FILE  also write every measurement as JSON lines to FILE
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
shared=${OPENSIPS_MI_SHARED:-$root/../shared}
version=3.6.8
calls=20000
rounds=3
only="udp unix http xmlrpc fifo"
cli=""
aot=0
extra=0
inline=0
startup=0
profile=0
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    -n) calls=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --version) version=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --cli) cli=$2; shift 2 ;;
    --aot) aot=1; shift ;;
    --extra) extra=1; shift ;;
    --inline) inline=1; shift ;;
    --startup) startup=1; shift ;;
    --profile) profile=1; shift ;;
    --out) out=$2; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "real-server.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

work=$(mktemp -d /tmp/opensips-mi-bench-XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "real-server.sh: $*" >&2; }

# --- the server -------------------------------------------------------------------------------------------------------
binary=$(bash "$shared/opensips-server/build.sh" "$version" | tail -n 1)
[ -x "$binary" ] || { log "build.sh did not give a binary ($binary)"; exit 1; }
prefix=$(cd "$(dirname "$binary")/.." && pwd)
mpath="$prefix/lib64/opensips/modules/"

read -r sip_a mi_udp sip_b http_port < <(python3 - <<'EOF'
import socket
held, ports = [], []
for kind in (socket.SOCK_DGRAM, socket.SOCK_DGRAM, socket.SOCK_DGRAM, socket.SOCK_STREAM):
    s = socket.socket(socket.AF_INET, kind)
    s.bind(("127.0.0.1", 0))
    held.append(s)
    ports.append(str(s.getsockname()[1]))
print(" ".join(ports))
EOF
)

# Based on ../shared/opensips-wire/server-config/opensips.cfg, loopback only, with what the benchmark needs.
# config SIP_PORT MI_MODULES: the same server around each instance's MI modules.
config() {
  cat <<EOF
log_level=2
stderror_enabled=yes
syslog_enabled=no
udp_workers=1
socket=udp:127.0.0.1:$1
mpath="$mpath"
loadmodule "proto_udp.so"
loadmodule "sl.so"
loadmodule "signaling.so"
loadmodule "tm.so"
loadmodule "usrloc.so"
modparam("usrloc", "working_mode_preset", "single-instance-no-db")
loadmodule "registrar.so"
modparam("registrar", "max_contacts", 0)
$2
route {
	# save() registers the usrloc table "location" (the large-reply runs fill it with ul_add).
	if (\$rm == "REGISTER") { save("location"); exit; }
	sl_send_reply(403, "Forbidden");
	exit;
}
EOF
}

config "$sip_a" "$(cat <<EOF
loadmodule "mi_fifo.so"
modparam("mi_fifo", "fifo_name", "$work/opensips_fifo")
modparam("mi_fifo", "fifo_mode", 0600)
loadmodule "mi_datagram.so"
modparam("mi_datagram", "socket_name", "udp:127.0.0.1:$mi_udp")
modparam("mi_datagram", "children_count", 1)
loadmodule "httpd.so"
modparam("httpd", "ip", "127.0.0.1")
modparam("httpd", "port", $http_port)
loadmodule "mi_http.so"
modparam("mi_http", "root", "mi")
loadmodule "mi_xmlrpc_ng.so"
EOF
)" >"$work/a.cfg"
config "$sip_b" "$(cat <<EOF
loadmodule "mi_datagram.so"
modparam("mi_datagram", "socket_name", "$work/mi.sock")
modparam("mi_datagram", "unix_socket_mode", 0600)
modparam("mi_datagram", "children_count", 1)
EOF
)" >"$work/b.cfg"
"$binary" -F -f "$work/a.cfg" >"$work/a.log" 2>&1 & pids+=($!)
"$binary" -F -f "$work/b.cfg" >"$work/b.log" 2>&1 & pids+=($!)

udp_url="udp://127.0.0.1:$mi_udp"
unix_url="unix://$work/mi.sock"
http_url="http://127.0.0.1:$http_port/mi"
xmlrpc_url="xmlrpc+http://127.0.0.1:$http_port/RPC2"
fifo_url="fifo://$work/opensips_fifo"

# mi: one JSON-RPC call over mi_datagram (UDP or unix), printing the reply; for setting up and probing.
mi() {
  python3 - "$1" "$2" <<'EOF'
import json, os, socket, sys, tempfile
target, request = sys.argv[1], sys.argv[2].encode()
if target.startswith("/"):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    path = os.path.join(tempfile.mkdtemp(), "c.sock")
    s.bind(path)
    s.settimeout(2)
    s.sendto(request, target)
    reply = s.recv(65536)
    os.unlink(path)
else:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    s.sendto(request, ("127.0.0.1", int(target)))
    reply = s.recv(65536)
print(reply.decode())
EOF
}

for _ in $(seq 1 50); do
  if mi "$mi_udp" '{"jsonrpc":"2.0","method":"uptime","id":1}' >/dev/null 2>&1 \
     && mi "$work/mi.sock" '{"jsonrpc":"2.0","method":"uptime","id":1}' >/dev/null 2>&1; then
    ready=1; break
  fi
  sleep 0.2
done
[ "${ready:-0}" = 1 ] || { log "OpenSIPS did not answer; logs:"; cat "$work/a.log" "$work/b.log" >&2; exit 1; }

# --- the client -------------------------------------------------------------------------------------------------------
if [ -z "$cli" ]; then
  if [ "$aot" = 1 ]; then
    log "publishing the CLI with Native AOT"
    dotnet publish "$root/src/OpenSips.Mi.Cli/OpenSips.Mi.Cli.csproj" -c Release -r linux-x64 -o "$work/cli" >"$work/publish.log" 2>&1 \
      || { cat "$work/publish.log" >&2; exit 1; }
    cli="$work/cli/opensips-mi"
  else
    log "building the CLI (Release)"
    dotnet build "$root/src/OpenSips.Mi.Cli/OpenSips.Mi.Cli.csproj" -c Release -o "$work/cli" >"$work/build.log" 2>&1 \
      || { cat "$work/build.log" >&2; exit 1; }
    cli="$work/cli/opensips-mi"
  fi
fi

results="$work/results.jsonl"
: >"$results"
record() { # mode side round json
  python3 - "$1" "$2" "$3" "$4" >>"$results" <<'EOF'
import json, sys
mode, side, rnd, raw = sys.argv[1:5]
d = json.loads(raw)
print(json.dumps({"mode": mode, "side": side, "round": int(rnd), "calls_per_second": d["calls_per_second"], "errors": d.get("errors", 0)}))
EOF
}

library() { # mode url concurrency [extra bench args...]
  local mode=$1 url=$2 c=$3; shift 3
  local json
  json=$("$cli" bench -u "$url" -n "$calls" -C "$c" -o json "$@" 2>>"$work/bench.err" || true)
  [ -n "$json" ] || { log "bench failed for $mode: $(tail -n 3 "$work/bench.err")"; json='{"calls_per_second":0,"errors":-1}'; }
  record "$mode" library "$round" "$json"
}

floor() { # transport: runs the floor for both concurrencies
  local lines
  case "$1" in
    udp) lines=$(python3 "$shared/opensips-server/rawfloor.py" --udp "127.0.0.1:$mi_udp" -n "$calls") ;;
    http) lines=$(python3 "$shared/opensips-server/rawfloor.py" --http "$http_url" -n "$calls") ;;
    unix) lines=$(python3 "$root/benchmarks/rawfloor_local.py" --unix "$work/mi.sock" -n "$calls") ;;
    fifo) lines=$(python3 "$root/benchmarks/rawfloor_local.py" --fifo "$work/opensips_fifo" --reply-dir /tmp/ -n "$calls" --seq-only) ;;
  esac
  while read -r line; do
    mode=$(python3 -c 'import json,sys; m=json.loads(sys.argv[1])["mode"]; print(m.replace("_seq","_c1"))' "$line")
    record "$mode" floor "$round" "$line"
  done <<<"$lines"
}

log "OpenSIPS $version: $udp_url $unix_url $http_url $xmlrpc_url $fifo_url"
log "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "$rounds"); do
  log "round $round of $rounds (load $(cut -d' ' -f1-3 /proc/loadavg))"
  for t in $only; do
    case "$t" in
      udp|unix|http)
        url_var="${t}_url"
        library "${t}_c1" "${!url_var}" 1
        library "${t}_c16" "${!url_var}" 16
        floor "$t" ;;
      xmlrpc)
        library "xmlrpc_c1" "$xmlrpc_url" 1
        library "xmlrpc_c16" "$xmlrpc_url" 16
        library "http_for_xmlrpc_c1" "$http_url" 1
        library "http_for_xmlrpc_c16" "$http_url" 16 ;;
      fifo)
        library "fifo_c1" "$fifo_url" 1
        library "fifo_percall_c1" "$fifo_url" 1 --reply-fifo-per-call
        floor fifo ;;
    esac
  done
done

if [ "$extra" = 1 ]; then
  log "extra: 64 in flight on one unix client; 16 in flight of large ul_show_contact replies"
  round=0
  # One AOR with enough contacts for a reply of about 40 KB, on both instances.
  for target in "$mi_udp" "$work/mi.sock"; do
    for i in $(seq 1 160); do
      mi "$target" "{\"jsonrpc\":\"2.0\",\"method\":\"ul_add\",\"params\":[\"location\",\"big\",\"sip:big-$i@127.0.0.1:5080;transport=udp\",3600,\"0.5\",0,0,0],\"id\":$i}" >/dev/null
    done
  done
  size=$(mi "$mi_udp" '{"jsonrpc":"2.0","method":"ul_show_contact","params":["location","big"],"id":1}' | wc -c)
  echo "{\"mode\": \"reply_bytes\", \"side\": \"info\", \"round\": 0, \"calls_per_second\": $size, \"errors\": 0}" >>"$results"
  library "unix_c64" "$unix_url" 64
  library "udp_large_c16" "$udp_url" 16 -c ul_show_contact -p location big
  library "unix_large_c16" "$unix_url" 16 -c ul_show_contact -p location big
fi

if [ "$inline" = 1 ]; then
  log "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS: unset against 1, alternately"
  for round in $(seq 1 "$rounds"); do
    for setting in unset 1; do
      for c in 1 16; do
        for path in udp http httpclient; do
          case "$path" in
            udp) url=$udp_url; more=() ;;
            http) url=$http_url; more=() ;;
            httpclient) url=$http_url; more=(--use-http-client) ;;
          esac
          if [ "$setting" = 1 ]; then
            DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 library "inline1_${path}_c$c" "$url" "$c" "${more[@]}"
          else
            library "inline0_${path}_c$c" "$url" "$c" "${more[@]}"
          fi
        done
      done
    done
  done
fi

if [ "$profile" = 1 ]; then
  command -v perf >/dev/null || { log "--profile needs perf (apt-get install linux-perf)"; exit 1; }
  log "profile: perf record -a while 16 calls are in flight, for mi_http and XML-RPC, library and raw"
  for t in http xmlrpc; do
    url_var="${t}_url"
    for how in library raw; do
      flag=(); [ "$how" = raw ] && flag=(--raw)
      "$cli" bench -u "${!url_var}" -C 16 --duration 10 --warmup 2 "${flag[@]}" -o json >"$work/profile.json" 2>>"$work/bench.err" &
      bench_pid=$!
      sleep 4
      perf record -a -g -F 499 -o "$work/perf.data" -- sleep 5 >/dev/null 2>&1 || log "perf record failed"
      wait "$bench_pid" || true
      echo
      echo "## $t, 16 in flight, $how: $(python3 -c 'import json,sys; print(format(json.load(open(sys.argv[1]))["calls_per_second"], ",.0f"), "calls/s")' "$work/profile.json")"
      echo
      echo "CPU samples by process:"
      perf report -i "$work/perf.data" --sort comm --stdio --no-children -g none 2>/dev/null | grep -E '^ +[0-9]' | head -4 || true
      echo "OpenSIPS's samples by library, kernel included (share of OpenSIPS's samples):"
      perf report -i "$work/perf.data" --comms opensips --sort dso,sym --stdio --no-children -g none --percentage relative 2>/dev/null \
        | grep -E '^ +[0-9]' | awk '{ sub("%", "", $1); share[$2] += $1 } END { for (d in share) printf "%9.2f%%  %s\n", share[d], d }' \
        | sort -rn | head -8 || true
      echo "OpenSIPS's top functions (share of OpenSIPS's samples):"
      perf report -i "$work/perf.data" --comms opensips --sort dso,sym --stdio --no-children -g none --percentage relative 2>/dev/null | grep -E '^ +[0-9]' | head -12 || true
    done
  done
fi

if [ "$startup" = 1 ]; then
  command -v hyperfine >/dev/null || { log "--startup needs hyperfine (apt-get install hyperfine)"; exit 1; }
  aotcli="$work/aot/opensips-mi"
  if [ ! -x "$aotcli" ]; then
    log "publishing the CLI with Native AOT for --startup"
    dotnet publish "$root/src/OpenSips.Mi.Cli/OpenSips.Mi.Cli.csproj" -c Release -r linux-x64 -o "$work/aot" >"$work/publish-aot.log" 2>&1 \
      || { cat "$work/publish-aot.log" >&2; exit 1; }
  fi
  for which in aot jit; do
    binary=$([ "$which" = aot ] && echo "$aotcli" || echo "$cli")
    hyperfine -N -w 3 -r 30 --export-json "$work/startup-$which.json" "$binary -u $udp_url uptime" >/dev/null 2>&1
    median=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["median"]*1000)' "$work/startup-$which.json")
    rss=$( { /usr/bin/time -v "$binary" -u "$udp_url" uptime >/dev/null; } 2>&1 | awk -F: '/Maximum resident/ {print $2+0}')
    echo "{\"mode\": \"startup_$which\", \"side\": \"info\", \"round\": 0, \"calls_per_second\": $median, \"errors\": $rss}" >>"$results"
  done
fi

[ -z "$out" ] || cp "$results" "$out"

python3 - "$results" "$calls" "$rounds" <<'EOF'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
def med(mode, side):
    v = [r["calls_per_second"] for r in rows if r["mode"] == mode and r["side"] == side]
    return statistics.median(v) if v else None
def errors(mode):
    return sum(r["errors"] for r in rows if r["mode"] == mode and r["side"] == "library")
targets = {"udp_c1": 1.0, "udp_c16": 0.9, "unix_c1": 1.0, "unix_c16": 0.9, "http_c1": 1.0, "http_c16": 0.9,
           "fifo_c1": 0.8, "xmlrpc_c1": 0.8, "xmlrpc_c16": 0.8}
print(f"\n{sys.argv[2]} measured calls per run, median of {sys.argv[3]} alternating rounds; calls/s\n")
print("| mode | library | floor | ratio | target | errors |")
print("|---|---:|---:|---:|---:|---:|")
for mode in ["udp_c1", "udp_c16", "unix_c1", "unix_c16", "http_c1", "http_c16", "xmlrpc_c1", "xmlrpc_c16", "fifo_c1", "fifo_percall_c1"]:
    lib = med(mode, "library")
    if lib is None:
        continue
    if mode.startswith("xmlrpc"):
        floor, what = med("http_for_" + mode, "library"), "library mi_http"
    else:
        floor, what = med(mode.replace("_percall", ""), "floor"), "raw"
    ratio = lib / floor if floor else float("nan")
    target = targets.get(mode)
    mark = "" if target is None else ("met" if ratio >= target else "missed")
    label = mode.replace("_c16", ", 16 in flight").replace("_c1", ", sequential").replace("_percall", " (a reply FIFO per call)")
    print(f"| {label} | {lib:,.0f} | {floor:,.0f} ({what}) | {ratio:.2f} | {'' if target is None else f'>= {target}'} {mark} | {errors(mode)} |")
extra = [m for m in ("unix_c64", "udp_large_c16", "unix_large_c16") if med(m, "library") is not None]
if extra:
    size = med("reply_bytes", "info")
    print(f"\nextra (one run each; large replies are ul_show_contact of {size:,.0f} bytes)\n")
    print("| mode | calls/s | errors (lost or timed out) |")
    print("|---|---:|---:|")
    for m in extra:
        print(f"| {m} | {med(m, 'library'):,.0f} | {errors(m)} |")
inline = [(p, c) for p in ("udp", "http", "httpclient") for c in (1, 16) if med(f"inline0_{p}_c{c}", "library") is not None]
if inline:
    print("\nDOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS (library calls/s, medians)\n")
    print("| path | in flight | unset | =1 | =1 / unset |")
    print("|---|---:|---:|---:|---:|")
    for p, c in inline:
        a, b = med(f"inline0_{p}_c{c}", "library"), med(f"inline1_{p}_c{c}", "library")
        print(f"| {p} | {c} | {a:,.0f} | {b:,.0f} | {b / a:.2f} |")
startup = [r for r in rows if r["mode"].startswith("startup_")]
if startup:
    print("\none-shot `opensips-mi -u udp://… uptime` (whole process)\n")
    print("| build | wall median | peak RSS |")
    print("|---|---:|---:|")
    for r in startup:
        print(f"| {r['mode'][8:]} | {r['calls_per_second']:.1f} ms | {r['errors'] / 1024:.1f} MiB |")
EOF
