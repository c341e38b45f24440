# smtp-lib.sh - a test CA, certificates and a private Postfix on loopback
# for the delivery tests (bash; source it after lib.sh).
#
#   tls_ca DIR NAME
#       A self-signed CA: DIR/NAME.key, DIR/NAME.crt.
#   tls_cert DIR CA NAME DAYS [SAN...]
#       A key and a certificate DIR/NAME.{key,crt} for CN=first SAN (or
#       NAME), subjectAltName DNS:SAN..., signed by the CA DIR/CA.{key,crt}
#       (CA "self": self-signed), valid for DAYS days from now (DAYS -1:
#       it expired yesterday).  TLS_CERT_MD (default sha256): the
#       digest the CA signs with (sha1: a signature OpenSSL's default
#       security level refuses).
#   postfix_start CERTDIR PORT "ADDR CERT BANNER TLS [OLD]" ...
#       A Postfix (Debian's package) with every file under a fresh
#       directory of /tmp (its user must reach it; the test's $T may be
#       private), removed by postfix_stop: one smtpd per argument on
#       ADDR:PORT, with the certificate CERTDIR/CERT.{key,crt}
#       (full chain), the 220 greeting "BANNER ESMTP", STARTTLS offered
#       when TLS is "may" (none: no STARTTLS).  OLD "old": that smtpd
#       speaks TLS 1.0 and 1.1 only (smtpd_tls_protocols and
#       smtpd_tls_mandatory_protocols <=TLSv1.1; OpenSSL 3 refuses them at
#       its default security level, so its cipher list sets @SECLEVEL=0);
#       OLD "weak": TLS 1.2 and 1.3 at @SECLEVEL=0 (to serve a certificate
#       that OpenSSL's default level refuses, see tls_cert's
#       TLS_CERT_MD).  It delivers nothing (mydestination and relay_domains empty, every transport error).
#       The master runs as root (Postfix needs it); its children as the
#       postfix user.  Waits until every smtpd greets.  Sets PF_DIR.
#   postfix_stop
#       postfix -c DIR stop, then waits until the master is gone; safe to
#       call twice or without postfix_start.

POSTFIX_BIN=${POSTFIX_BIN:-/usr/sbin/postfix}

tls_ca() {
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$1/$2.key" \
        -out "$1/$2.crt" -days 30 -subj "/CN=mailready test CA $2" \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}

tls_cert() {
    local dir=$1 ca=$2 name=$3 days=$4 san="" cn
    shift 4
    cn=${1:-$name}
    for s in "$@"; do san="${san:+$san,}DNS:$s"; done
    printf 'basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' \
        > "$dir/$name.ext"
    [ -n "$san" ] && printf 'subjectAltName=%s\n' "$san" >> "$dir/$name.ext"
    openssl req -newkey rsa:2048 -nodes -keyout "$dir/$name.key" \
        -out "$dir/$name.csr" -subj "/CN=$cn" 2>/dev/null || return 1
    if [ "$ca" = self ]; then
        openssl x509 -req -in "$dir/$name.csr" -signkey "$dir/$name.key" \
            -out "$dir/$name.crt" -days "$days" \
            -extfile "$dir/$name.ext" 2>/dev/null
    else
        openssl x509 -req -in "$dir/$name.csr" -CA "$dir/$ca.crt" \
            -CAkey "$dir/$ca.key" -CAcreateserial -out "$dir/$name.crt" \
            -"${TLS_CERT_MD:-sha256}" -days "$days" \
            -extfile "$dir/$name.ext" 2>/dev/null &&
            cat "$dir/$ca.crt" >> "$dir/$name.crt"
    fi
}

postfix_start() {
    local certs=$1 port=$2 spec addr cert banner tls old a dir specs
    shift 2
    specs=("$@")
    if [ ! -x "$POSTFIX_BIN" ]; then
        echo "postfix_start: $POSTFIX_BIN not found (Debian package:" \
             "postfix; run tools/install-deps --tests)" >&2
        return 1
    fi
    if [ "$(id -u)" -ne 0 ]; then
        echo "postfix_start: Postfix's master needs root (id -u is" \
             "$(id -u))" >&2
        return 1
    fi
    dir=$(mktemp -d /tmp/mailready-postfix.XXXXXX) || return 1
    PF_DIR=$dir
    chmod 755 "$dir"
    mkdir -p "$dir/conf" "$dir/queue" "$dir/data" "$dir/certs" || return 1
    cp "$certs"/*.key "$certs"/*.crt "$dir/certs/" || return 1
    chown postfix "$dir/data"
    cat > "$dir/conf/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $dir/queue
data_directory = $dir/data
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = loopback-only
inet_protocols = ipv4
myhostname = localhost.invalid
mydestination =
relay_domains =
alias_maps =
alias_database =
local_transport = error:no local delivery
default_transport = error:no delivery
maillog_file = $dir/maillog
maillog_file_prefixes = $dir
smtpd_tls_security_level = may
EOF
    : > "$dir/conf/master.cf"
    for spec in "${specs[@]}"; do
        # shellcheck disable=SC2086
        set -- $spec
        addr=$1 cert=$2 banner=$3 tls=$4 old=${5:-}
        printf '%s:%s inet n - n - - smtpd\n -o { smtpd_banner = %s ESMTP }\n' \
            "$addr" "$port" "$banner" >> "$dir/conf/master.cf"
        printf ' -o smtpd_tls_security_level=%s\n' "$tls" \
            >> "$dir/conf/master.cf"
        if [ "$tls" != none ]; then
            printf ' -o smtpd_tls_chain_files=%s\n' \
                "$dir/certs/$cert.key,$dir/certs/$cert.crt" \
                >> "$dir/conf/master.cf"
        fi
        if [ "$old" = old ]; then
            printf ' -o %s\n' "smtpd_tls_protocols=<=TLSv1.1" \
                "smtpd_tls_mandatory_protocols=<=TLSv1.1" \
                >> "$dir/conf/master.cf"
        fi
        if [ "$old" = old ] || [ "$old" = weak ]; then
            printf ' -o tls_medium_cipherlist=DEFAULT:@SECLEVEL=0\n' \
                >> "$dir/conf/master.cf"
        fi
    done
    cat >> "$dir/conf/master.cf" <<'EOF'
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
    if ! "$POSTFIX_BIN" -c "$dir/conf" start >/dev/null 2>&1; then
        echo "postfix_start: postfix would not start:" >&2
        tail -5 "$dir/maillog" >&2 2>/dev/null
        return 1
    fi
    for spec in "${specs[@]}"; do
        a=${spec%% *}
        if ! python3 - "$a" "$port" <<'PY'
import socket, sys, time
end = time.time() + 10
while time.time() < end:
    try:
        s = socket.create_connection((sys.argv[1], int(sys.argv[2])), 1)
        s.settimeout(2)
        if s.recv(512).startswith(b"220"):
            s.sendall(b"QUIT\r\n")
            sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(1)
PY
        then
            echo "postfix_start: no greeting on $a:$port" >&2
            tail -5 "$dir/maillog" >&2 2>/dev/null
            return 1
        fi
    done
}

postfix_stop() {
    local i pid
    [ -n "${PF_DIR:-}" ] || return 0
    "$POSTFIX_BIN" -c "$PF_DIR/conf" stop >/dev/null 2>&1
    for i in $(seq 50); do
        pid=$(head -1 "$PF_DIR/queue/pid/master.pid" 2>/dev/null | tr -d ' ')
        if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
            break
        fi
        sleep 0.1
    done
    pid=$(head -1 "$PF_DIR/queue/pid/master.pid" 2>/dev/null | tr -d ' ')
    [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
    case $PF_DIR in
    /tmp/mailready-postfix.*) rm -rf "$PF_DIR" ;;
    esac
    PF_DIR=
    return 0
}

# nginx_start CERTDIR CERT PORT CONF-SNIPPET-FILE
#       nginx (Debian's nginx-light) with its prefix in a fresh directory
#       of /tmp, listening with TLS (CERTDIR/CERT.{key,crt}) on the
#       addresses the snippet's server blocks name; the snippet is included
#       inside http { } and may use $NGX_DIR/... paths.  Sets NGX_DIR; waits
#       until the pid file exists.
# nginx_stop
#       Stops it (TERM, then KILL) and removes its directory.
nginx_start() {
    local certs=$1 cert=$2 port=$3 snippet=$4 i
    if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
        echo "nginx_start: nginx not found (Debian package: nginx-light;" \
             "run tools/install-deps --tests)" >&2
        return 1
    fi
    NGX_DIR=$(mktemp -d /tmp/mailready-nginx.XXXXXX) || return 1
    chmod 755 "$NGX_DIR"
    mkdir -p "$NGX_DIR/logs" "$NGX_DIR/tmp" "$NGX_DIR/www"
    cp "$certs"/*.key "$certs"/*.crt "$NGX_DIR/"
    sed -e "s|@DIR@|$NGX_DIR|g" -e "s|@PORT@|$port|g" \
        -e "s|@CERT@|$NGX_DIR/$cert|g" "$snippet" > "$NGX_DIR/sites.conf"
    cat > "$NGX_DIR/nginx.conf" <<NGX
worker_processes 1;
pid $NGX_DIR/nginx.pid;
error_log $NGX_DIR/logs/error.log;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path $NGX_DIR/tmp/body;
    proxy_temp_path $NGX_DIR/tmp/proxy;
    fastcgi_temp_path $NGX_DIR/tmp/fastcgi;
    uwsgi_temp_path $NGX_DIR/tmp/uwsgi;
    scgi_temp_path $NGX_DIR/tmp/scgi;
    types { text/html html; }
    default_type application/octet-stream;
    include $NGX_DIR/sites.conf;
}
NGX
    if ! /usr/sbin/nginx -e "$NGX_DIR/logs/error.log" -p "$NGX_DIR" \
            -c "$NGX_DIR/nginx.conf" 2>"$NGX_DIR/start.err"; then
        echo "nginx_start: nginx would not start:" >&2
        cat "$NGX_DIR/start.err" "$NGX_DIR/logs/error.log" >&2
        return 1
    fi
    for i in $(seq 50); do
        [ -s "$NGX_DIR/nginx.pid" ] && return 0
        sleep 0.1
    done
    echo "nginx_start: no pid file" >&2
    return 1
}

nginx_stop() {
    local pid i
    [ -n "${NGX_DIR:-}" ] || return 0
    pid=$(cat "$NGX_DIR/nginx.pid" 2>/dev/null)
    if [ -n "$pid" ]; then
        kill "$pid" 2>/dev/null
        for i in $(seq 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$pid" 2>/dev/null
    fi
    case $NGX_DIR in
    /tmp/mailready-nginx.*) rm -rf "$NGX_DIR" ;;
    esac
    NGX_DIR=
    return 0
}

# sts_web CERTDIR WWWDIR D
#       The MTA-STS policy cases of delivery.test (tests/zones/
#       delivery.test.zone) served by nginx_start on 127.0.0.40 at a free
#       port (STS_HP), with CERTDIR/web.{key,crt} for mta-sts.NAME.D:
#       ok (testing, mx.ok), sts-mismatch (enforce, another MX),
#       sts-ctype (text/html), sts-redirect (301 to ok's policy) and
#       sts-syntax ("mode: strict").  Policies are written to WWWDIR.
sts_web() {
    local certs=$1 www=$2 d=$3 n
    mkdir -p "$www"
    _sts_pol() {
        printf 'version: STSv1\r\nmode: %s\r\nmx: %s\r\nmax_age: 86400\r\n' \
            "$2" "$3" > "$www/$1.txt"
    }
    _sts_pol ok testing "mx.ok.$d"
    _sts_pol sts-mismatch enforce "mx.elsewhere.test"
    _sts_pol sts-ctype enforce "mx.ok.$d"
    printf 'version: STSv1\nmode: strict\nmx: mx.ok.%s\nmax_age: 86400\n' \
        "$d" > "$www/sts-syntax.txt"
    for n in ok sts-mismatch sts-ctype sts-syntax sts-redirect; do
        printf 'server {\n    listen 127.0.0.40:@PORT@ ssl;\n'
        printf '    server_name mta-sts.%s.%s;\n' "$n" "$d"
        printf '    ssl_certificate @CERT@.crt;\n'
        printf '    ssl_certificate_key @CERT@.key;\n'
        case $n in
        sts-redirect)
            printf '    location / { return 301 https://mta-sts.ok.%s/.well-known/mta-sts.txt; }\n' "$d" ;;
        *)
            printf '    location = /.well-known/mta-sts.txt {\n'
            if [ $n = sts-ctype ]; then
                printf '        default_type text/html;\n'
            else
                printf '        default_type text/plain;\n'
            fi
            printf '        alias @DIR@/www/%s.txt;\n    }\n' "$n" ;;
        esac
        printf '}\n'
    done > "$www/sites.conf"
    STS_HP=$(free_port)
    nginx_start "$certs" web "$STS_HP" "$www/sites.conf" || return 1
    cp "$www"/*.txt "$NGX_DIR/www/" && chmod 644 "$NGX_DIR/www"/*.txt
}
