# The public address, learned from a URL only after asking: here a local
# HTTP server stands for the address service.
. "$TOP/tests/wizard/wiz-lib.sh"

mkdir -p "$T/www"
printf '185.117.82.30\n' > "$T/www/ip"
printf '10.1.2.3\n' > "$T/www/private"
python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$T/www" \
    > "$T/http.out" 2> "$T/http.err" &
http_pid=$!
port=
for _ in $(seq 50); do
    port=$(sed -n 's/.* port \([0-9]*\) .*/\1/p' "$T/http.out" | head -n 1)
    [ -n "$port" ] && break
    sleep 0.1
done
expect_true "the local address service runs" test -n "$port"

wz_start wizard-bad.test "${WZ_ZONES[@]}" \
    --ip-url "http://127.0.0.1:$port/ip"
screen_has "no answers yet: the provider question" "My own mail server"
tm_send Enter
screen_has "the detection is offered" "F3: if you run mailready on the mail"
tm_send F3
screen_has "it asks first" \
    "Ask http://127\.0\.0\.1:$port/ip for the public address"
tm_send n
expect_true "n: the question goes away" tm_wait_gone "\(y/n\)"
screen_lacks "n: nothing asked" "Asking http"
expect_true "n: the service was not contacted" \
    bash -c "! grep -q 'GET /ip' '$T/http.err'"
tm_send F3
screen_has "asked again" "\(y/n\)"
tm_send y
screen_has "y: the address is found" "public address is 185\.117\.82\.30"
screen_has "and put in the field" "> 185\.117\.82\.30"
expect_true "y: the service was contacted once" \
    test "$(grep -c 'GET /ip' "$T/http.err")" = 1
# The focus is in the address field: Escape leaves it, then q quits.
tm_send Escape q
expect_true "q quits" wz_gone
wz_fresh

# A service that answers with a private address is not believed.
wz_start wizard-bad.test "${WZ_ZONES[@]}" \
    --ip-url "http://127.0.0.1:$port/private"
screen_has "the provider question again" "My own mail server"
tm_send Enter
screen_has "own server fields" "public IP addresses"
tm_send F3 y
screen_has "a private answer is refused" "is not a public address: 10\.1\.2\.3"
tm_send Escape q
expect_true "q quits" wz_gone
kill "$http_pid" 2>/dev/null
wait "$http_pid" 2>/dev/null || true

# F3 asks over IPv4 and over IPv6: a service on ::1 only (as for a server
# whose address service answers over IPv6) gives the IPv6 address, and the
# IPv4 request failing is not an error when one address came.
cat > "$T/echo6.py" <<'PY'
import http.server, socket, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"2a01:4f8:20::30\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
class S(http.server.HTTPServer):
    address_family = socket.AF_INET6
s = S(("::1", 0), H)
print("port", s.server_address[1], flush=True)
s.serve_forever()
PY
python3 -u "$T/echo6.py" > "$T/echo6.out" 2> "$T/echo6.err" &
echo6_pid=$!
port6=
for _ in $(seq 50); do
    port6=$(sed -n 's/^port \([0-9]*\)$/\1/p' "$T/echo6.out" | head -n 1)
    [ -n "$port6" ] && break
    sleep 0.1
done
expect_true "the IPv6 address service runs on ::1" test -n "$port6"
wz_fresh
wz_start wizard-bad.test "${WZ_ZONES[@]}" --ip-url "http://[::1]:$port6/"
screen_has "v6: the provider question" "My own mail server"
tm_send Enter
screen_has "v6: own server fields" "public IP addresses"
tm_send F3 y
screen_has "v6: the IPv6 address is found" \
    "public address is 2a01:4f8:20::30"
screen_lacks "v6: no error for the IPv4 request" "Could not learn"
tm_send Escape q
expect_true "v6: q quits" wz_gone
kill "$echo6_pid" 2>/dev/null
wait "$echo6_pid" 2>/dev/null || true
