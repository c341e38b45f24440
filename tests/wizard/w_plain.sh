# A plain terminal: TERM=vt100, the C locale (not UTF-8), NO_COLOR.  The
# symbols turn into ASCII words, the step list still fits 80 columns,
# and the wizard works with the keyboard alone.
. "$TOP/tests/wizard/wiz-lib.sh"

mkdir -p "$T/home" "$T/state"
tm_start -t vt100 env -i PATH="$PATH" TERM=vt100 LANG=C LC_ALL=C NO_COLOR=1 \
    HOME="$T/home" MAILREADY_DATADIR="$TOP/data" \
    MAILREADY_HELPDIR="$TOP/help" "${WZ_WRAP[@]}" "$MAILREADY" wizard wizard-bad.test \
    "${WZ_ZONES[@]}" --server-ip 185.117.82.26 --lang en \
    --state-dir "$T/state"
screen_has "ASCII header" "^ mailready - wizard-bad\.test"
screen_has "ASCII step list within 80 columns" \
    "1 MX !  2 SPF X  3 DKIM !  4 DMARC X  5 PTR X  6 SMTP -  7 Summary"
screen_has "ASCII verdict" "\[warn\] Result: warnings"
tm_send 4
screen_has "ASCII failure tag" "\[FAIL\] Result: problems found"
tm_send NPage
screen_has "ASCII arrows for the questions" "< only watch and get reports"
screen_lacks "no UTF-8 symbols" "✔|✘|▲|◀|…"
tm_send q
expect_true "q quits" wz_gone

# An unknown terminal type: a clear message, not a crash.
wz_fresh
tm_start env TERM=no-such-terminal sh -c '"$0" wizard wizard-bad.test \
    --no-network --state-dir "$1" 2> "$2"; echo $? > "$3"' \
    "$MAILREADY" "$T/state" "$T/err" "$T/rc"
expect_true "unknown TERM: exits" tm_exited 5
expect_true "unknown TERM: exit status 3" \
    bash -c "sleep 0.2; test \"\$(cat '$T/rc')\" = 3"
expect_grep "unknown terminal type TERM='no-such-terminal'" "$T/err" \
    "unknown TERM: said so"

# A terminal without cursor addressing (TERM=dumb): one line saying so and
# exit status 3, in English and in Spanish; nothing drawn.
for lang in en es; do
    wz_fresh
    rm -f "$T/rc" "$T/err"
    tm_start env TERM=dumb sh -c '"$0" wizard wizard-bad.test --lang "$4" \
        --no-network --state-dir "$1" 2> "$2"; echo $? > "$3"' \
        "$MAILREADY" "$T/state" "$T/err" "$T/rc" "$lang"
    expect_true "TERM=dumb ($lang): exits" tm_exited 5
    expect_true "TERM=dumb ($lang): exit status 3" \
        bash -c "sleep 0.2; test \"\$(cat '$T/rc')\" = 3"
    expect_true "TERM=dumb ($lang): one line" \
        test "$(wc -l < "$T/err")" = 1
    if [ "$lang" = es ]; then
        expect_grep "TERM='dumb' no puede mover el cursor" "$T/err" \
            "TERM=dumb (es): said so in Spanish"
    else
        expect_grep "TERM='dumb' cannot move the cursor" "$T/err" \
            "TERM=dumb (en): said so"
    fi
done
