# bind-lib.sh - run a private BIND 9 (named) on 127.0.0.1 that takes
# dynamic updates (RFC 2136) signed with a TSIG key (bash; source it after
# nsd-lib.sh, which gives free_port).
#
#   bind_start DIR ZONEFILE...
#       Copies each ZONEFILE (apex = file name minus ".zone") into DIR,
#       writes DIR/named.conf serving them as primary zones that accept
#       updates signed with the key in DIR/tsig.key (made with
#       tsig-keygen), and starts /usr/sbin/named in the foreground on a
#       free port of 127.0.0.1, every path under DIR, no rndc, no
#       recursion.  Waits until named answers the SOA of the first zone.
#       Sets BIND_PORT, BIND_PID, BIND_DIR, BIND_KEY.  On failure prints
#       named's log and returns 1.
#   bind_stop
#       Stops that named (TERM, then KILL after 5 s) and waits until it is
#       gone.  Safe to call twice or without bind_start.
#   bind_update FILE
#       Sends the nsupdate script FILE to that named with the key (a
#       "server" line is put in front).  Returns nsupdate's status.
#   bind_axfr ZONE OUT
#       Writes the whole zone as named serves it now to OUT (dig AXFR) and
#       checks that it loads (named-checkzone).  Returns 1 if it does not.

BIND_NAMED=${BIND_NAMED:-/usr/sbin/named}

bind_start() {
    local dir=$1 f apex first="" port try n
    shift
    if [ ! -x "$BIND_NAMED" ]; then
        echo "bind_start: $BIND_NAMED not found (Debian package: bind9;" \
             "run tools/install-deps --tests)" >&2
        return 1
    fi
    mkdir -p "$dir" || return 1
    dir=$(cd "$dir" && pwd)
    BIND_DIR=$dir
    BIND_KEY=$dir/tsig.key
    tsig-keygen -a hmac-sha256 mailready-test > "$BIND_KEY" || return 1
    : > "$dir/zones.conf"
    for f in "$@"; do
        apex=$(basename "$f" .zone)
        cp "$f" "$dir/$apex.zone" || return 1
        rm -f "$dir/$apex.zone.jnl"
        [ -z "$first" ] && first=$apex
        cat >> "$dir/zones.conf" <<ZONE
zone "$apex" {
    type primary;
    file "$dir/$apex.zone";
    allow-update { key "mailready-test"; };
    allow-transfer { 127.0.0.1; };
};
ZONE
    done
    for try in 1 2 3 4 5; do
        port=$(free_port) || return 1
        cat > "$dir/named.conf" <<CONF
// Written by tests/bind-lib.sh; a private named for the tests.
include "$BIND_KEY";
options {
    directory "$dir";
    pid-file "$dir/named.pid";
    session-keyfile "$dir/session.key";
    managed-keys-directory "$dir";
    listen-on port $port { 127.0.0.1; };
    listen-on-v6 { none; };
    recursion no;
    dnssec-validation no;
    notify no;
    minimal-responses no;
};
controls { };
logging {
    channel to_file { file "$dir/named.log"; severity info; };
    category default { to_file; };
};
CONF
        cat "$dir/zones.conf" >> "$dir/named.conf"
        rm -f "$dir/named.pid" "$dir/named.log"
        "$BIND_NAMED" -f -n 1 -c "$dir/named.conf" \
            > "$dir/named.stderr" 2>&1 &
        BIND_PID=$!
        BIND_PORT=$port
        n=0
        while [ $n -lt 100 ] && kill -0 "$BIND_PID" 2>/dev/null; do
            if python3 "$_NSD_LIBDIR/dnsprobe.py" --server \
                   "127.0.0.1:$port" --wait 0.2 "$first" SOA \
                   >/dev/null 2>&1; then
                export BIND_PORT BIND_PID BIND_DIR BIND_KEY
                return 0
            fi
            n=$((n + 1))
        done
        if kill -0 "$BIND_PID" 2>/dev/null; then
            echo "bind_start: named does not answer; its log:" >&2
            cat "$dir/named.log" "$dir/named.stderr" >&2 2>/dev/null
            bind_stop
            return 1
        fi
        wait "$BIND_PID" 2>/dev/null
        BIND_PID=
        if grep -qi 'address in use' "$dir/named.log" \
                "$dir/named.stderr" 2>/dev/null; then
            continue
        fi
        break
    done
    echo "bind_start: named did not start; its log:" >&2
    cat "$dir/named.log" "$dir/named.stderr" >&2 2>/dev/null
    BIND_PID=
    return 1
}

bind_stop() {
    local pid=${BIND_PID:-} n=0
    [ -n "$pid" ] || return 0
    kill -TERM "$pid" 2>/dev/null
    while kill -0 "$pid" 2>/dev/null && [ $n -lt 50 ]; do
        sleep 0.1
        n=$((n + 1))
    done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    BIND_PID=
}

bind_update() {
    { echo "server 127.0.0.1 $BIND_PORT"; cat "$1"; } |
        nsupdate -k "$BIND_KEY"
}

bind_axfr() {
    dig +nocmd +nostats +nocomments -p "$BIND_PORT" @127.0.0.1 "$1" AXFR \
        > "$2" 2>&1 || return 1
    grep -q SOA "$2" || { cat "$2" >&2; return 1; }
    named-checkzone -q "$1" "$2"
}
