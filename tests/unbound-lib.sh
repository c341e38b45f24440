# unbound-lib.sh - a caching resolver (Unbound) in front of private name
# servers (NSD) on loopback addresses, for the propagation tests (bash;
# source it after nsd-lib.sh, which gives free_port and _nsd_probe).
#
#   auth_start DIR ADDR[,ADDR...] PORT ZONEFILE...
#       nsd_start --addr ADDR... --port PORT DIR ZONEFILE... (loopback
#       addresses, ::1 too; port 53 needs root), keeping several at once: its pid is
#       in DIR/pid, and the runner's NSD_* variables are left as they
#       were.  Returns 1 with NSD's log on stderr if it does not start.
#   auth_stop DIR
#       Stops that NSD (nsd_stop) and waits for it and its children.
#   unbound_start DIR ZONE=ADDR@PORT[,ADDR@PORT...]...
#       Starts /usr/sbin/unbound on 127.0.0.1 at a free port, in the
#       foreground of a background job, every path under DIR, no chroot,
#       no user switch, no DNSSEC validation, with a stub zone for each
#       ZONE pointing to its servers (do-not-query-localhost: no).  Waits
#       until it answers.  Sets UNBOUND_PORT, UNBOUND_PID.
#       UNBOUND_EXTRA: more lines for its server: section (e.g.
#       "cache-max-ttl: 0" for a resolver that asks upstream every time).
#   unbound_stop
#       Stops it; safe to call twice or without unbound_start.
#   auth_stop_all
#       Stops every NSD auth_start started and Unbound (for a trap).

UNBOUND_BIN=${UNBOUND_BIN:-/usr/sbin/unbound}
_AUTH_DIRS=

_pid_stop() {   # PID
    local pid=$1 n=0
    [ -n "$pid" ] || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    while kill -0 "$pid" 2>/dev/null && [ $n -lt 50 ]; do
        sleep 0.1
        n=$((n + 1))
    done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    return 0
}

auth_start() {
    local dir=$1 addr=$2 port=$3 rc=0 a at=()
    local o_pid=${NSD_PID:-} o_port=${NSD_PORT:-} o_dir=${NSD_DIR:-}
    local o_addr=${NSD_ADDR:-}
    shift 3
    mkdir -p "$dir" || return 1
    dir=$(cd "$dir" && pwd)
    case " $_AUTH_DIRS " in *" $dir "*) ;; *) _AUTH_DIRS="$_AUTH_DIRS $dir" ;; esac
    # nsd_start's own variables name the runner's NSD: keep them.
    NSD_PID=
    for a in ${addr//,/ }; do
        at+=(--addr "$a")
    done
    if nsd_start "${at[@]}" --port "$port" "$dir" "$@"; then
        echo "$NSD_PID" > "$dir/pid"
    else
        rc=1
    fi
    NSD_PID=$o_pid NSD_PORT=$o_port NSD_DIR=$o_dir NSD_ADDR=$o_addr
    return $rc
}

auth_stop() {
    local dir=$1 o_pid=${NSD_PID:-}
    [ -f "$dir/pid" ] || return 0
    NSD_PID=$(cat "$dir/pid")
    nsd_stop
    NSD_PID=$o_pid
    rm -f "$dir/pid"
}

unbound_start() {
    local dir=$1 spec zone addrs a port n=0 try
    shift
    if [ ! -x "$UNBOUND_BIN" ]; then
        echo "unbound_start: $UNBOUND_BIN not found (Debian package:" \
             "unbound; run tools/install-deps --tests)" >&2
        return 1
    fi
    mkdir -p "$dir" || return 1
    dir=$(cd "$dir" && pwd)
    : > "$dir/stubs.conf"
    for spec in "$@"; do
        zone=${spec%%=*}
        addrs=${spec#*=}
        printf 'stub-zone:\n  name: "%s"\n' "$zone" >> "$dir/stubs.conf"
        for a in ${addrs//,/ }; do
            printf '  stub-addr: %s\n' "$a" >> "$dir/stubs.conf"
        done
    done
    for try in 1 2 3 4 5; do
        port=$(free_port) || return 1
        cat > "$dir/unbound.conf" <<CONF
# Written by tests/unbound-lib.sh: a private caching resolver.
server:
  interface: 127.0.0.1
  port: $port
  do-ip4: yes
  do-ip6: no
  do-daemonize: no
  chroot: ""
  username: ""
  directory: "$dir"
  pidfile: "$dir/unbound.pid"
  logfile: "$dir/unbound.log"
  use-syslog: no
  verbosity: 1
  num-threads: 1
  so-reuseport: no
  access-control: 127.0.0.0/8 allow
  do-not-query-localhost: no
  module-config: "iterator"
  qname-minimisation: no
  minimal-responses: no
  prefetch: no
  serve-expired: no
  cache-min-ttl: 0
  infra-keep-probing: yes
  # RFC 6761 names (test., invalid., ...) are served empty by default:
  # the stub zones under them must reach the servers.
  local-zone: "test." nodefault
  local-zone: "invalid." nodefault
  # The documentation prefix 2001:db8::/32 (RFC 3849) likewise.
  local-zone: "8.b.d.0.1.0.0.2.ip6.arpa." nodefault
${UNBOUND_EXTRA:-}
remote-control:
  control-enable: no
CONF
        cat "$dir/stubs.conf" >> "$dir/unbound.conf"
        rm -f "$dir/unbound.log" "$dir/unbound.pid"
        "$UNBOUND_BIN" -d -c "$dir/unbound.conf" > "$dir/unbound.stderr" 2>&1 &
        UNBOUND_PID=$!
        UNBOUND_PORT=$port
        n=0
        while [ $n -lt 100 ]; do
            kill -0 "$UNBOUND_PID" 2>/dev/null || break
            if _nsd_probe "127.0.0.1:$port" "${1%%=*}" SOA 0.2 \
                    > /dev/null 2>&1; then
                export UNBOUND_PORT UNBOUND_PID
                return 0
            fi
            n=$((n + 1))
        done
        if kill -0 "$UNBOUND_PID" 2>/dev/null; then
            break
        fi
        wait "$UNBOUND_PID" 2>/dev/null
        grep -qi 'address already in use\|could not open' \
            "$dir/unbound.log" "$dir/unbound.stderr" 2>/dev/null || break
    done
    echo "unbound_start: Unbound did not start; its log:" >&2
    cat "$dir/unbound.log" "$dir/unbound.stderr" >&2 2>/dev/null
    unbound_stop
    return 1
}

unbound_stop() {
    _pid_stop "${UNBOUND_PID:-}"
    UNBOUND_PID=
}

auth_stop_all() {
    local d
    unbound_stop
    for d in $_AUTH_DIRS; do
        auth_stop "$d"
    done
}
