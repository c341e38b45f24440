# t_dns.sh - the DNS layer against a real server: time-outs, --trace, TCP
# after a truncated answer, CNAMEs and wildcards, and the same answers
# from --zone-file as from the server (zone: tests/zones/dns-layer.test).
. "$TOP/tests/lib.sh"

ZONE=$TOP/tests/zones/dns-layer.test.zone

# A server that never answers: "could not check", within the time-out.
mr_run check dns-layer.test --resolver "$BLACKHOLE" --json --timeout 1
cp "$T/out" "$T/out.json"
expect_rc 3 "blackhole: exit status 3"
expect_status all error "blackhole: status error, not fail"
expect_json 'all(f["severity"] == "error" for c in j["checks"]
                 for f in c["findings"])' "blackhole: only error findings"
expect_true "blackhole: answered within the time-out (${MR_MS} ms)" \
    test "$MR_MS" -lt 2500

# Good domain: every query answered, one line per query and answer.
mr_check dns-layer.test --trace
expect_status mx ok "dns-layer.test: MX ok"
expect_json 'j["resolver"] == "'"$RESOLVER"'"' "the resolver is reported"
expect_grep '^dns +[0-9.]+ ms  query  dns-layer.test MX \(127\.0\.0\.1:' \
    "$T/err" "--trace: the query"
expect_grep '^dns +[0-9.]+ ms  answer dns-layer.test MX OK .*: dns-layer.test\. 300 MX 10 mx1\.dns-layer\.test\.; ' \
    "$T/err" "--trace: the answer with its records"
expect_grep 'answer mx2\.dns-layer\.test AAAA OK .*2a00:1450:4001:81c::2' \
    "$T/err" "--trace: AAAA records"

# 64 MX records do not fit in 1232 bytes: truncated, then TCP.
mr_check big.dns-layer.test --trace
expect_status mx ok "64 MX: ok"
expect_grep 'answer big\.dns-layer\.test MX OK .*; big\.dns-layer\.test\. 300 MX 64 mx-63\.big\.dns-layer\.test\.$' \
    "$T/err" "64 MX: all records arrive, over TCP"

# A CNAME between MX and address; a wildcard host.
mr_check alias.dns-layer.test
expect_ids mx "MX_TARGET_CNAME" "MX target behind a CNAME"
mr_check wild-mx.dns-layer.test
expect_ids mx "" "MX target synthesised from a wildcard"

# The zone file gives the same report as the server serving it (names
# outside the zone go to the same server both times).
for d in dns-layer.test big.dns-layer.test alias.dns-layer.test \
         wild-mx.dns-layer.test nothere.dns-layer.test; do
    mr_check "$d"
    python3 -c 'import json,sys
j = json.load(open(sys.argv[1]))
print(j["status"])
for c in j["checks"]:
    print(c["step"], c["status"], sorted(f["id"] for f in c["findings"]),
          json.dumps(c["records"], sort_keys=True))' "$T/out.json" \
        > "$T/server.txt" 2>&1
    rc_server=$MR_RC
    mr_run check "$d" --zone-file "$ZONE" --resolver "$RESOLVER" --json \
        --timeout 2
    python3 -c 'import json,sys
j = json.load(open(sys.argv[1]))
print(j["status"])
for c in j["checks"]:
    print(c["step"], c["status"], sorted(f["id"] for f in c["findings"]),
          json.dumps(c["records"], sort_keys=True))' "$T/out" \
        > "$T/zone.txt" 2>&1
    expect_true "$d: --zone-file gives the server's report" \
        diff "$T/server.txt" "$T/zone.txt"
    expect_true "$d: and its exit status ($rc_server, $MR_RC)" \
        test "$rc_server" = "$MR_RC"
done

# A bad --resolver is an input error: exit 3, no query.
mr_run check dns-layer.test --resolver 'not-an-address' --json
expect_rc 3 "bad --resolver: exit status 3"
expect_grep 'resolver' "$T/err" "bad --resolver: says why"

# A zone file with a syntax error names its file and line.
printf '$ORIGIN broken.test.\n@ SOA ns hm 1 2 3 4 5\nwww A 1.2.3.4.5\n' \
    > "$T/broken.test.zone"
mr_run check broken.test --zone-file "$T/broken.test.zone" --json
expect_rc 3 "bad zone file: exit status 3"
expect_grep 'broken\.test\.zone:3:' "$T/err" "bad zone file: file:line"

# --zone-file on something that is not a regular file spun at 100% CPU
# (a directory, /dev/zero) or blocked (a FIFO); a huge file was read
# whole.  Each is refused at once: exit 3 and the reason.
mkdir -p "$T/zdir"
mkfifo "$T/fifo.test.zone"
truncate -s 65M "$T/big.test.zone"
for z in "$T/zdir" /dev/zero "$T/fifo.test.zone" "$T/big.test.zone"; do
    case $z in
    *big*) why='is larger than 64 MiB' ;;
    *) why='is not a regular file' ;;
    esac
    mr_run check dns-layer.test --zone-file "$z" --resolver "$RESOLVER" \
        --json --timeout 2
    expect_rc 3 "--zone-file $z: exit status 3"
    expect_grep "The zone file $z $why" "$T/err" "--zone-file $z: says why"
    expect_true "--zone-file $z: at once (${MR_MS} ms)" test "$MR_MS" -lt 3000
done
rm -f "$T/big.test.zone" "$T/fifo.test.zone"
