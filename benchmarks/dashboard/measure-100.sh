#!/usr/bin/env bash
# The dashboard's 100-server figures (docs/dashboard.md): 100 emulated servers in one process, a dashboard polling them
# every second in another, one fleet page and one server page connected (as SSE streams); after a 10 s warm-up, the
# dashboard process's CPU (utime+stime from /proc) and memory (VmRSS, VmHWM) over SECONDS, and its poll cycle figures.
# Usage: benchmarks/dashboard/measure-100.sh "COMMAND TO RUN opensips-mi" [SECONDS]
#   benchmarks/dashboard/measure-100.sh ./opensips-mi 60                 (a Native AOT build)
#   benchmarks/dashboard/measure-100.sh "dotnet path/to/opensips-mi.dll" 60
# Needs curl and python3. Everything listens on 127.0.0.1 only.
set -u
TOOL="$1"; SECS="${2:-60}"
HOSTLOG=$(mktemp); DASHLOG=$(mktemp); TARGETS=$(mktemp)
$TOOL dashboard --emulated --emulators 100 --interval 1s --listen http://127.0.0.1:0 --read-only > "$HOSTLOG" 2>&1 &
HOSTPID=$!
for i in $(seq 1 120); do HOSTURL=$(grep -o 'http://127.0.0.1:[0-9]*' "$HOSTLOG" | head -1); [ -n "$HOSTURL" ] && break; sleep 1; done
sleep 3
curl -s "$HOSTURL/api/fleet" | python3 -c 'import json,sys; [print(s["target"]) for s in json.load(sys.stdin)["servers"]]' > "$TARGETS"
echo "targets: $(wc -l < "$TARGETS")"
$TOOL dashboard --targets "$TARGETS" --interval 1s --listen http://127.0.0.1:0 > "$DASHLOG" 2>&1 &
PID=$!
for i in $(seq 1 120); do URL=$(grep -o 'http://127.0.0.1:[0-9]*' "$DASHLOG" | head -1); [ -n "$URL" ] && break; sleep 1; done
# One page watching the fleet and one watching a server, as SSE streams.
curl -s -N "$URL/api/stream" > /dev/null &
C1=$!
curl -s -N "$URL/api/stream?server=0" > /dev/null &
C2=$!
sleep 10   # warm-up
ticks=$(getconf CLK_TCK)
read -r u1 s1 < <(awk '{print $14, $15}' /proc/$PID/stat)
t1=$(date +%s.%N)
sleep "$SECS"
read -r u2 s2 < <(awk '{print $14, $15}' /proc/$PID/stat)
t2=$(date +%s.%N)
python3 - "$u1" "$s1" "$u2" "$s2" "$t1" "$t2" "$ticks" <<'PY'
import sys
u1,s1,u2,s2=map(int,sys.argv[1:5]); t1,t2=map(float,sys.argv[5:7]); hz=int(sys.argv[7])
print(f"cpu: {100*((u2+s2)-(u1+s1))/hz/(t2-t1):.1f}% of one core over {t2-t1:.0f} s")
PY
grep -E 'VmRSS|VmHWM' /proc/$PID/status
curl -s "$URL/api/fleet" | python3 -c 'import json,sys; d=json.load(sys.stdin); c=d["cycle"]; s=d["servers"]; print("cycle:", c, "reachable:", sum(x["reachable"] for x in s), "/", len(s)); import statistics; print("poll ms median:", statistics.median(x["pollMs"] for x in s), "max:", max(x["pollMs"] for x in s))'
curl -s -o /dev/null -w 'fleet api: %{time_total}s %{size_download} bytes\n' "$URL/api/fleet"
curl -s -o /dev/null -w 'page: %{time_total}s\n' "$URL/"
kill $C1 $C2 2>/dev/null
kill -TERM $PID $HOSTPID
wait $PID $HOSTPID 2>/dev/null
rm -f "$HOSTLOG" "$DASHLOG" "$TARGETS"
