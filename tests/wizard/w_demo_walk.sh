# Every screen of the demo (`mailready --demo`) at 80x24, in English (in
# Spanish: w_demo_walk_es.sh), page by page: no command-line option
# (--something) in the screen text, and every key of the status line
# shown (none dropped for want of room): n b r ? s l q/F10 c 1-7, or in
# an input field Enter (Intro in Spanish) and the function keys F6 F7 F5
# F1 F2 F9 F10 F4.
. "$TOP/tests/wizard/wiz-lib.sh"

KEYS_VIEW='n b r ? s l q/F10 c 1-7'
KEYS_FIELD='F6 F7 F5 F1 F2 F9 F10 F4'

# The status rows are the last two lines (the second only when the first
# is full, else the scroll hint or body text, which holds no "KEY word").
_status_keys() {
    local s keys k re miss=""
    s=$(tail -n 2 "$T/screen")
    if printf '%s\n' "$s" | grep -Eq '^ (Enter|Intro) '; then
        keys=$KEYS_FIELD
    else
        keys=$KEYS_VIEW
    fi
    for k in $keys; do
        re=$(printf '%s' "$k" | sed 's/[?]/[?]/')
        printf '%s\n' "$s" | grep -Eq "(^| )$re [^ ]" || miss="$miss $k"
    done
    if [ -n "$miss" ]; then
        printf 'the status line lacks%s:\n' "$miss"
        cat "$T/screen"
        return 1
    fi
    return 0
}

_no_option() {
    if grep -nE -- '--[a-z]' "$T/screen"; then
        echo "a command-line option on the screen:"
        cat "$T/screen"
        return 1
    fi
    return 0
}

# Check the screen now, then each page below it (PgDn) to the end.
# WALK_OPTS=0: walk a screen for its keys only.
walk_pages() {
    local label=$1 n=0
    sleep 0.3
    while :; do
        tm_screen > /dev/null
        [ "${WALK_OPTS:-1}" = 0 ] ||
            expect_true "$label (page $n): no --option" _no_option
        expect_true "$label (page $n): every key shown" _status_keys
        grep -Eq 'more below|hay más abajo' "$T/screen" || break
        n=$((n + 1))
        [ $n -lt 25 ] || break
        tm_send NPage
        sleep 0.2
    done
    tm_send Home
}

walk_lang() {
    local lang=$1 re_mx re_sum
    if [ "$lang" = es ]; then
        re_mx='Paso 1: Servidores'
        re_sum='Lo que queda por hacer'
    else
        re_mx='Step 1: Mail servers'
        re_sum='What is left to do'
    fi
    mkdir -p "$T/home-$lang" "$T/state-$lang"
    wz_fresh
    rm -f "$T/wz.rc"
    tm_start env HOME="$T/home-$lang" XDG_DATA_HOME="$T/home-$lang/data" \
        XDG_STATE_HOME="$T/home-$lang/state" LANG=C.UTF-8 \
        MAILREADY_DATADIR="$TOP/data" MAILREADY_HELPDIR="$TOP/help" \
        "${WZ_WRAP[@]}" "$MAILREADY" --demo --lang "$lang" \
        --state-dir "$T/state-$lang"
    screen_has "$lang: the demo starts on step 1" "$re_mx"
    tm_wait_gone 'checking DNS|comprobando el DNS' 10 > /dev/null
    for s in 1 2 3 4 5 6 7; do
        tm_send "$s"
        walk_pages "$lang: step $s"
    done
    # The Delivery screen of the demo: records from files, so the mail
    # servers are not contacted (no probe, nothing to wait for).
    tm_send 6
    screen_has "$lang: step 6 is Delivery" 'Step 6: Delivery|Paso 6: Entrega'
    screen_has "$lang: the demo's delivery is not probed" \
        'Not checked here|Sin comprobar aquí'
    screen_lacks "$lang: the demo's delivery: no spinner" \
        'Checking DNS|Consultando el DNS'

    tm_send 1 d
    walk_pages "$lang: the DNS server choice"
    tm_send Escape
    tm_send 3 e
    walk_pages "$lang: DKIM selector in use"
    tm_send Escape
    tm_send 3 g
    walk_pages "$lang: DKIM key type menu"
    tm_send Enter
    walk_pages "$lang: DKIM selector field"
    tm_send Escape
    tm_send 7
    screen_has "$lang: the summary" "$re_sum"
    tm_send n
    walk_pages "$lang: the test message screen"
    tm_send Escape F7
    tm_send '?'
    walk_pages "$lang: help"
    tm_send Escape
    # Each step's help (and why a change takes time to show, under it).
    for st in 1 2 3 4 5 6; do
        tm_send "$st" '?'
        screen_has "$lang: help of step $st is open" \
            'WHAT IT IS|QUÉ ES'
        walk_pages "$lang: help of step $st"
        tm_send Escape
    done
    # The key list names Enter as the status line does (es: Intro).
    tm_send 1 '?' End
    if [ "$lang" = es ]; then re_enter='^ *Intro +Confirmar una respuesta'
    else re_enter='^ *Enter +Confirm an answer'; fi
    screen_has "$lang: help: the Enter key under its own name" "$re_enter"
    tm_send Escape
    # The other topics: t the next one, T the previous one.
    tm_send 1 '?' t
    screen_has "$lang: help, t: the glossary" '^ *(Glossary|Glosario)$'
    tm_send t t
    screen_has "$lang: help, t t t: who serves your DNS" \
        'Who really serves your DNS|Quién sirve de verdad tu DNS'
    walk_pages "$lang: help topic nameservers"
    tm_send T
    screen_has "$lang: help, T: back to propagation" \
        'Why a change in DNS takes time|Por qué un cambio en el DNS tarda'
    tm_send Escape
    tm_send 7 s
    walk_pages "$lang: the step list"
    tm_send Home Enter
    walk_pages "$lang: the domain question"
    tm_send F6
    walk_pages "$lang: the provider question"
    tm_send F10
    expect_true "$lang: F10 quits" wz_gone
    _tm capture-pane -p -J -S -200 -t "$TM_SESSION" | tr -d '\n' \
        > "$T/after-$lang"
    expect_grep 'run the same command again|ejecuta otra vez la misma orden' \
        "$T/after-$lang" "$lang: the demo's quit summary: run it again"
    expect_true "$lang: ... and not a check of live DNS" \
        bash -c "! grep -q 'mailready check' '$T/after-$lang'"
}

# One language per script (w_demo_walk_es.sh sets DEMO_LANGS=es and
# sources this one), so that each walk fits the runner's time limit.
for l in ${DEMO_LANGS:-en}; do
    walk_lang "$l"
done
