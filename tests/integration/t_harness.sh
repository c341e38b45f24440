# t_harness.sh - the test bed itself: NSD answers, a SERVFAIL zone answers
# SERVFAIL, the blackhole never answers, the relay delays queries side by
# side and drops what it is told to drop.
. "$TOP/tests/lib.sh"

probe() {   # SERVER NAME TYPE [--tcp] -> $T/probe
    python3 "$TOP/tests/dnsprobe.py" --server "$1" --timeout 1 ${4:-} \
        "$2" "$3" > "$T/probe" 2>&1
}

probe "$RESOLVER" harness-self.test A
expect_grep '^NOERROR$' "$T/probe" "NSD answers"
expect_grep 'A 81\.2\.69\.142$' "$T/probe" "NSD serves the fixture zone"
probe "$RESOLVER" nothing-here.harness-self.test A
expect_grep '^NXDOMAIN$' "$T/probe" "NSD answers NXDOMAIN"
probe "$RESOLVER" big.harness-self.test TXT
expect_grep '^NOERROR TC$' "$T/probe" "a large answer is truncated over UDP"
probe "$RESOLVER" big.harness-self.test TXT --tcp
expect_grep 'TXT "c' "$T/probe" "and complete over TCP"
probe "$RESOLVER" www.harness-servfail.test A
expect_grep '^SERVFAIL$' "$T/probe" "a zone listed in SERVFAIL answers SERVFAIL"
probe "$RESOLVER" harness-servfail.test MX --tcp
expect_grep '^SERVFAIL$' "$T/probe" "also over TCP"

t0=$(_mr_now_ms)
probe "$BLACKHOLE" harness-self.test A
ms=$(( $(_mr_now_ms) - t0 ))
expect_grep '^no response' "$T/probe" "the blackhole never answers"
expect_true "the probe waited its 1 s time-out (${ms} ms)" \
    test "$ms" -ge 900

relay_start --upstream "$RESOLVER" --delay-ms 300 \
    --drop 'HARNESS-SELF.test./A' --servfail 'harness-self.test/TXT'
python3 - "$RELAY_PORT" > "$T/conc" 2>&1 <<'PY'
import select, socket, sys, time
sys.path.insert(0, "tests")
import dnswire
port = int(sys.argv[1])
socks, t0 = [], time.monotonic()
for i in range(50):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.sendto(dnswire.make_query("harness-self.test", "NS"),
             ("127.0.0.1", port))
    socks.append(s)
got = 0
while socks and time.monotonic() - t0 < 5:
    for s in select.select(socks, [], [], 1)[0]:
        s.recv(4096)
        got += 1
        socks.remove(s)
print("answers %d ms %d" % (got, (time.monotonic() - t0) * 1000))
PY
read -r _ got _ ms < "$T/conc"
expect_true "50 concurrent queries through the relay all answered ($got)" \
    test "${got:-0}" -eq 50
expect_true "delayed side by side: 300 ms each, $ms ms in all" \
    test "${ms:-0}" -ge 290 -a "${ms:-99999}" -lt 1500
probe "127.0.0.1:$RELAY_PORT" harness-self.test A
expect_grep '^no response' "$T/probe" "the relay drops a --drop question"
probe "127.0.0.1:$RELAY_PORT" harness-self.test TXT --tcp
expect_grep '^SERVFAIL$' "$T/probe" "the relay answers SERVFAIL for --servfail"
probe "127.0.0.1:$RELAY_PORT" big.harness-self.test TXT
expect_grep '^NOERROR TC$' "$T/probe" "the relay keeps truncation"
probe "127.0.0.1:$RELAY_PORT" big.harness-self.test TXT --tcp
expect_grep 'TXT "c' "$T/probe" "and relays TCP"
relay_stop

# The domain of `make bench` is clean in every step (exit 0); if a check
# starts to find something there, the bench would time a different run.
mr_check bench-clean.test
expect_status all ok "bench-clean.test: every step ok"
expect_rc 0 "bench-clean.test: exit status 0"
