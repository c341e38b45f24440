# nsd-lib.sh - run a private NSD on 127.0.0.1 for the tests (bash; source it)
#
#   nsd_start [--addr ADDR]... [--port PORT] DIR ZONEFILE... [SERVFAIL-LIST]
#       Writes DIR/nsd.conf serving each ZONEFILE (apex = file name minus
#       ".zone") and starts /usr/sbin/nsd on ADDR (default 127.0.0.1;
#       repeatable, IPv6 too, e.g. ::1) at PORT (default: a free high
#       port, another one if NSD loses a race for it), with every path
#       (pid, xfrd state, zone list, log) under DIR, no chroot, no user
#       switch.  An argument whose file name is SERVFAIL is
#       a list of zone names (one a line, # comments): those zones are
#       configured with a zone file that does not exist, so NSD answers
#       SERVFAIL for every name in them (over UDP and TCP; checked with
#       NSD 4.6.1 on Debian 12).  Waits until NSD answers a real query.
#       Sets NSD_PORT, NSD_PID, NSD_DIR, NSD_ADDR (the first ADDR).  On
#       failure prints why (the zone parse errors of nsd-checkzone, NSD's
#       log, "address already in use" when PORT was given) and returns 1.
#   nsd_stop
#       Stops that NSD (TERM, then KILL after 5 s) and waits until it and
#       its children are gone.  Safe to call twice or without nsd_start.
#   nsd_reload APEX
#       Re-reads the zone files (SIGHUP) and waits until the SOA of APEX
#       changes: bump the serial when you edit a zone.
#   free_port
#       Prints a port of 127.0.0.1 that is free for both UDP and TCP.

NSD_BIN=${NSD_BIN:-/usr/sbin/nsd}
NSD_CHECKZONE=${NSD_CHECKZONE:-/usr/sbin/nsd-checkzone}
_NSD_LIBDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export PYTHONDONTWRITEBYTECODE=1

free_port() {
    python3 - <<'PY'
import random, socket
for _ in range(200):
    port = random.randrange(20000, 60000)
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as t, \
             socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
            t.bind(("127.0.0.1", port))
            u.bind(("127.0.0.1", port))
    except OSError:
        continue
    print(port)
    break
else:
    raise SystemExit("free_port: no free port found")
PY
}

_nsd_probe() {   # SERVER NAME TYPE WAIT -> prints the rcode line
    python3 "$_NSD_LIBDIR/dnsprobe.py" --server "$1" --wait "$4" "$2" "$3"
}

nsd_start() {
    local dir f apex z first="" servfail="" port try addrs="" fixed="" a
    local v6=no probe
    while [ $# -gt 0 ]; do
        case $1 in
        --addr) addrs="$addrs $2"; shift 2 ;;
        --port) fixed=$2; shift 2 ;;
        *) break ;;
        esac
    done
    [ -n "$addrs" ] || addrs=127.0.0.1
    dir=$1
    shift
    if [ ! -x "$NSD_BIN" ]; then
        echo "nsd_start: $NSD_BIN not found (Debian package: nsd;" \
             "run tools/install-deps --tests)" >&2
        return 1
    fi
    mkdir -p "$dir" || return 1
    dir=$(cd "$dir" && pwd)
    NSD_DIR=$dir
    : > "$dir/zones.conf"
    for f in "$@"; do
        case $(basename "$f") in
        SERVFAIL)
            while read -r z; do
                z=${z%%#*}
                z=$(echo $z)
                [ -n "$z" ] && servfail="$servfail ${z%.}"
            done < "$f"
            continue ;;
        *.zone) ;;
        *) echo "nsd_start: $f: not a .zone file or SERVFAIL list" >&2
           return 1 ;;
        esac
        f=$(cd "$(dirname "$f")" && pwd)/$(basename "$f")
        apex=$(basename "$f" .zone)
        if ! "$NSD_CHECKZONE" "$apex" "$f" > "$dir/checkzone.out" 2>&1
        then
            echo "nsd_start: zone $apex ($f) does not parse:" >&2
            cat "$dir/checkzone.out" >&2
            return 1
        fi
        [ -z "$first" ] && first=$apex
        printf 'zone:\n  name: "%s"\n  zonefile: "%s"\n' "$apex" "$f" \
            >> "$dir/zones.conf"
    done
    for z in $servfail; do
        # The file does not exist: NSD keeps the zone configured but
        # without data, and answers SERVFAIL for it.
        printf 'zone:\n  name: "%s"\n  zonefile: "%s/servfail-%s.missing"\n' \
            "$z" "$dir" "$z" >> "$dir/zones.conf"
        [ -z "$first" ] && first=$z
    done
    if [ -z "$first" ]; then
        echo "nsd_start: no zones given" >&2
        return 1
    fi
    set -- $addrs
    NSD_ADDR=$1
    case $NSD_ADDR in *:*) probe="[$NSD_ADDR]" ;; *) probe=$NSD_ADDR ;; esac
    : > "$dir/addrs.conf"
    for a in $addrs; do
        case $a in *:*) v6=yes ;; esac
        printf '  ip-address: %s\n' "$a" >> "$dir/addrs.conf"
    done
    for try in 1 2 3 4 5; do
        if [ -n "$fixed" ]; then
            port=$fixed
        else
            port=$(free_port) || return 1
        fi
        {
        cat <<CONF
# Written by tests/nsd-lib.sh; a private NSD for the tests.
server:
CONF
        cat "$dir/addrs.conf"
        cat <<CONF
  port: $port
  do-ip4: yes
  do-ip6: $v6
  username: ""
  chroot: ""
  zonesdir: "$dir"
  pidfile: "$dir/nsd.pid"
  database: ""
  zonelistfile: "$dir/zone.list"
  xfrdfile: "$dir/xfrd.state"
  xfrdir: "$dir"
  logfile: "$dir/nsd.log"
  server-count: 1
  verbosity: 1
  hide-version: yes
  minimal-responses: no
  refuse-any: no
  # No response rate limiting: a check asks dozens of NXDOMAIN questions
  # (DKIM selector discovery) at once, and NSD's RRL would drop some.
  rrl-ratelimit: 0
  rrl-whitelist-ratelimit: 0
remote-control:
  control-enable: no
CONF
        cat "$dir/zones.conf"
        } > "$dir/nsd.conf"
        rm -f "$dir/nsd.log" "$dir/nsd.pid" "$dir/zone.list" \
              "$dir/xfrd.state"
        "$NSD_BIN" -d -c "$dir/nsd.conf" > "$dir/nsd.stderr" 2>&1 &
        NSD_PID=$!
        NSD_PORT=$port
        # Wait for an answer to a real query, or for NSD to die.
        local n=0 out
        while [ $n -lt 100 ]; do
            if ! kill -0 "$NSD_PID" 2>/dev/null; then
                break
            fi
            if out=$(_nsd_probe "$probe:$port" "$first" SOA 0.2 \
                     2>/dev/null); then
                # Zones that failed to load (other than SERVFAIL ones)
                # would answer SERVFAIL: refuse to go on with them.
                if grep -E 'error|warning' "$dir/nsd.log" 2>/dev/null |
                   grep -v -F -e '.missing does not exist' \
                      -e 'servfail-' > "$dir/nsd.errors"; [ -s "$dir/nsd.errors" ]
                then
                    echo "nsd_start: NSD reported errors:" >&2
                    cat "$dir/nsd.errors" >&2
                    nsd_stop
                    return 1
                fi
                export NSD_PORT NSD_PID NSD_DIR NSD_ADDR
                return 0
            fi
            n=$((n + 1))
        done
        if kill -0 "$NSD_PID" 2>/dev/null; then
            echo "nsd_start: NSD (pid $NSD_PID) does not answer on" \
                 "$probe:$port after 20 s; its log:" >&2
            cat "$dir/nsd.log" "$dir/nsd.stderr" >&2 2>/dev/null
            nsd_stop
            return 1
        fi
        wait "$NSD_PID" 2>/dev/null
        NSD_PID=
        if [ -z "$fixed" ] &&
           grep -qiE 'address already in use|can.t bind' \
                "$dir/nsd.log" "$dir/nsd.stderr" 2>/dev/null; then
            continue        # lost a race for the port: another one
        fi
        break
    done
    echo "nsd_start: NSD did not start; its log:" >&2
    cat "$dir/nsd.log" "$dir/nsd.stderr" >&2 2>/dev/null
    NSD_PID=
    return 1
}

# All descendants of PID, from one snapshot of the process table.
_nsd_descendants() {
    ps -e -o pid= -o ppid= 2>/dev/null | awk -v root="$1" '
        { parent[$1] = $2 }
        END {
            for (p in parent) {
                q = parent[p]; n = 0
                while (q != "" && q != 0 && q != root && n++ < 64) q = parent[q]
                if (q == root) printf "%s ", p
            }
        }'
}

nsd_stop() {
    local pid=${NSD_PID:-} kids n=0
    [ -n "$pid" ] || return 0
    kids=$(_nsd_descendants "$pid")
    kill -TERM "$pid" 2>/dev/null
    while kill -0 "$pid" 2>/dev/null && [ $n -lt 50 ]; do
        sleep 0.1
        n=$((n + 1))
    done
    if kill -0 "$pid" 2>/dev/null; then
        echo "nsd_stop: NSD (pid $pid) ignores TERM; killing it" >&2
        kill -KILL "$pid" $kids 2>/dev/null
    fi
    wait "$pid" 2>/dev/null
    # The server and xfrd children exit with their parent; make sure.
    n=0
    while [ -n "$kids" ] && [ $n -lt 50 ]; do
        local k alive=""
        for k in $kids; do
            if [ -d "/proc/$k" ] &&
               ! grep -q '^State:.*Z' "/proc/$k/status" 2>/dev/null; then
                alive="$alive $k"
            fi
        done
        kids=$alive
        [ -z "$kids" ] && break
        sleep 0.1
        n=$((n + 1))
    done
    [ -n "$kids" ] && kill -KILL $kids 2>/dev/null
    NSD_PID=
    return 0
}

nsd_reload() {
    local apex=$1 before after n=0 at=${NSD_ADDR:-127.0.0.1}
    [ -n "${NSD_PID:-}" ] || { echo "nsd_reload: no NSD" >&2; return 1; }
    case $at in *:*) at="[$at]" ;; esac
    before=$(_nsd_probe "$at:$NSD_PORT" "$apex" SOA 2 | sed -n 2p)
    kill -HUP "$NSD_PID"
    while [ $n -lt 100 ]; do
        after=$(_nsd_probe "$at:$NSD_PORT" "$apex" SOA 2 | sed -n 2p)
        [ -n "$after" ] && [ "$after" != "$before" ] && return 0
        sleep 0.1
        n=$((n + 1))
    done
    echo "nsd_reload: $apex still answers '$before' (bumped the serial?)" >&2
    tail -n 20 "$NSD_DIR/nsd.log" >&2
    return 1
}

# relay_start ARGS...
#   Starts tests/dnsrelay.py on a free port of 127.0.0.1 with ARGS (e.g.
#   --upstream 127.0.0.1:$NSD_PORT --delay-ms 50, or --blackhole), waits
#   for it to listen and sets RELAY_PORT and RELAY_PID (copy them before
#   starting another).  Its stderr goes to $RELAY_DIR (default $T or /tmp)
#   /relay-PORT.err.
# relay_stop [PID]
#   Stops that relay (default $RELAY_PID) and waits for it.
relay_start() {
    local dir=${RELAY_DIR:-${T:-${TMPDIR:-/tmp}}} out n=0 line=""
    out=$(mktemp "$dir/relay.XXXXXX") || return 1
    python3 "$_NSD_LIBDIR/dnsrelay.py" --listen 127.0.0.1:0 "$@" \
        > "$out" 2> "$out.err" &
    RELAY_PID=$!
    while [ $n -lt 200 ]; do
        line=$(head -n 1 "$out")
        case $line in
        "ready "*) break ;;
        esac
        if ! kill -0 "$RELAY_PID" 2>/dev/null; then
            echo "relay_start: dnsrelay.py $* failed:" >&2
            cat "$out.err" >&2
            wait "$RELAY_PID" 2>/dev/null
            RELAY_PID=
            return 1
        fi
        sleep 0.05
        n=$((n + 1))
    done
    case $line in
    "ready "*) RELAY_PORT=${line#ready } ;;
    *) echo "relay_start: dnsrelay.py not ready after 10 s" >&2
       relay_stop "$RELAY_PID"; return 1 ;;
    esac
    export RELAY_PORT RELAY_PID
}

relay_stop() {
    local pid=${1:-${RELAY_PID:-}} n=0
    [ -n "$pid" ] || return 0
    kill -TERM "$pid" 2>/dev/null
    while kill -0 "$pid" 2>/dev/null && [ $n -lt 50 ]; do
        sleep 0.1
        n=$((n + 1))
    done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    [ "$pid" = "${RELAY_PID:-}" ] && RELAY_PID=
    return 0
}
