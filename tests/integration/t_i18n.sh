#!/bin/bash
# t_i18n.sh - Spanish and English output of the real binary, on a system
# that has only the C and C.UTF-8 locales (the common minimal server):
# `mailready explain`, --help, and the language chosen from the environment.
set -u
. "$TOP/tests/lib.sh"

# Run $MAILREADY with a clean locale environment plus the VAR=VALUE words
# given first; stdout in $T/out, stderr in $T/err, status in $MR_RC.
run_env() {
    local envs=()
    while [ $# -gt 0 ] && [[ $1 == *=* ]]; do
        envs+=("$1")
        shift
    done
    MR_RC=0
    env -u LANGUAGE -u LC_ALL -u LC_MESSAGES -u LANG -u LC_CTYPE \
        ${envs[@]+"${envs[@]}"} "$MAILREADY" "$@" >"$T/out" 2>"$T/err" ||
        MR_RC=$?
}

utf8_ok() {     # FILE is valid UTF-8
    python3 -c 'import sys; open(sys.argv[1], "rb").read().decode("utf-8")' \
        "$1" 2>/dev/null
}

# --- explain, --lang es under C.UTF-8 --------------------------------------
run_env LANG=C.UTF-8 LC_ALL=C.UTF-8 explain MX_NULL --lang es
expect_rc 0 "explain MX_NULL --lang es: exit 0"
expect_grep '^MX_NULL: El dominio publica un MX nulo' "$T/out" \
    "explain --lang es: Spanish title"
expect_grep '^Por qué importa:$' "$T/out" "explain --lang es: accented heading"
expect_grep 'días\.$' "$T/out" "explain --lang es: accented why text"
expect_grep 'No hay nada que arreglar' "$T/out" \
    "explain --lang es: info-only finding says there is nothing to fix"
expect_true "explain --lang es: output is valid UTF-8" utf8_ok "$T/out"
expect_true "explain --lang es: 'í' is written as UTF-8 (c3 ad)" \
    grep -q $'\xc3\xad' "$T/out"
expect_true "explain --lang es: wrapped at 78 characters, not bytes" \
    python3 -c 'import sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
assert max(len(l) for l in lines) <= 78, lines' "$T/out"

run_env LANG=C.UTF-8 LC_ALL=C.UTF-8 explain MX_NULL_MIXED --lang es
expect_rc 0 "explain MX_NULL_MIXED --lang es: exit 0"
expect_grep '^Cómo arreglarlo:$' "$T/out" "explain --lang es: fix heading"
expect_grep 'borra' "$T/out" "explain --lang es: Spanish fix text"

# --- explain, --lang en -----------------------------------------------------
run_env LANG=C.UTF-8 LC_ALL=C.UTF-8 LANGUAGE=es explain MX_NULL --lang en
expect_rc 0 "explain MX_NULL --lang en: exit 0"
expect_grep '^MX_NULL: The domain publishes a null MX' "$T/out" \
    "explain --lang en beats LANGUAGE=es"
expect_grep '^Why it matters:$' "$T/out" "explain --lang en: English heading"

# --- the language from the environment --------------------------------------
# es_ES.UTF-8 is not installed here: setlocale fails, mailready falls back
# to C.UTF-8 and still speaks Spanish.
run_env LANG=es_ES.UTF-8 explain MX_NULL
expect_rc 0 "LANG=es_ES.UTF-8 (not installed): exit 0"
expect_grep '^Por qué importa:$' "$T/out" \
    "LANG=es_ES.UTF-8 without that locale: still Spanish"
run_env LC_ALL=C.UTF-8 LANGUAGE=es_MX explain MX_NULL
expect_grep '^Por qué importa:$' "$T/out" "LANGUAGE=es_MX under C.UTF-8: Spanish"
run_env LC_ALL=C LANGUAGE=es explain MX_NULL
expect_grep '^Por qué importa:$' "$T/out" \
    "LANGUAGE=es under the C locale: Spanish (mailready leaves C for C.UTF-8)"
run_env LC_ALL=C.UTF-8 explain MX_NULL
expect_grep '^Why it matters:$' "$T/out" "no language set: English"
run_env LC_ALL=fr_FR.UTF-8 explain MX_NULL
expect_grep '^Why it matters:$' "$T/out" "a language we do not ship: English"

# --- errors, list, help -----------------------------------------------------
run_env LC_ALL=C.UTF-8 explain NO_SUCH_ID --lang es
expect_rc 3 "explain of an unknown id: exit 3"
expect_grep 'identificador de hallazgo desconocido' "$T/err" \
    "explain of an unknown id: Spanish error on stderr"
run_env LC_ALL=C.UTF-8 explain
expect_rc 3 "explain without an id: exit 3"
expect_grep "Usage: mailready explain" "$T/err" \
    "explain without an id: the usage on stderr"
run_env LC_ALL=C.UTF-8 explain --list
expect_rc 0 "explain --list: exit 0"
expect_grep '^MX_NULL_MIXED +mx ' "$T/out" "explain --list: lists the MX ids"
expect_grep '^DNS_TIMEOUT +general ' "$T/out" "explain --list: lists general ids"
run_env LC_ALL=C.UTF-8 explain mx_null --json --lang es
expect_rc 0 "explain --json: exit 0"
expect_true "explain --json: Spanish JSON with the id" python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
assert j["id"] == "MX_NULL" and j["step"] == "mx", j
assert "nulo" in j["title"] and "días" in j["why"], j' "$T/out"
run_env LC_ALL=C.UTF-8 LANGUAGE=es --help
expect_rc 0 "--help in Spanish: exit 0"
expect_grep '^Uso: mailready' "$T/out" "--help in Spanish"
