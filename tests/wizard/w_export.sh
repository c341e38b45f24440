# The summary's export (e): the wizard calls the core's checklist
# directly (no argv, no redirected output) and writes the text and HTML
# files in the current directory; when a file cannot be written it says
# which and why, in the admin's language.
. "$TOP/tests/wizard/wiz-lib.sh"

D=wizard-ok.test
W=$T/work
mkdir -p "$W" "$T/home" "$T/data" "$T/state"
# Wide enough that a path and its reason fit one line.
TM_COLS=220
# The wizard for $D in the directory $1, on the summary; $2 names the run.
wz_summary_in() {
    local dir=$1
    shift
    rm -rf "$T/state"               # a first visit: no "welcome back"
    pushd "$dir" > /dev/null        # the wizard's current directory
    wz_start $D "${WZ_ZONES[@]}" --server-ip 185.117.82.25 \
        --hostname mail.$D --selector 202401 "${@:2}"
    popd > /dev/null
    screen_has "$1: the wizard starts at MX" "Step 1:|Paso 1:"
    screen_has "$1: MX is checked" "Result: OK|Resultado: correcto"
    tm_send 7
    screen_has "$1: 7 is the summary" "Where your domain stands|Cómo está tu dominio"
}

wz_summary_in "$W" "first run"
screen_has "the summary offers the export" "Press e to write a printable"
tm_send e
screen_has "e writes both files" "Checklist written to"
expect_grep "^Mail DNS checklist for $D$" "$W/mailready-$D.txt" \
    "the text checklist is written"
expect_grep "^\[x\] .*Mail servers \(MX\): OK$" "$W/mailready-$D.txt" \
    "the text checklist has the wizard's results"
expect_grep '^<!DOCTYPE html>$' "$W/mailready-$D.html" \
    "the HTML checklist is written"
expect_grep "Mail DNS checklist for $D" "$W/mailready-$D.html" \
    "the HTML checklist has its title"
expect_true "the export leaves no temporary file" \
    test -z "$(find "$W" -name '.mailready-*')"
tm_send q
expect_true "q quits" wz_gone
expect_true "the wizard exits 0" test "${TM_RC:-0}" = 0

# A file that cannot be written: the path and the reason, translated.
W2=$T/work2
mkdir -p "$W2/mailready-$D.txt"
wz_summary_in "$W2" "unwritable"
tm_send e
screen_has "the reason is shown: the path and strerror" \
    "mailready-$D\.txt: Is a directory"
screen_lacks "nothing claims the checklist was written" "Checklist written to"
tm_send q
expect_true "q quits after the failed export" wz_gone
expect_true "the wizard exits 0 after the failed export" \
    test "${TM_RC:-0}" = 0

# In Spanish, once po/es.po has the msgids of po/es-export.part.
if grep -q '^msgid "Export failed: %s"' "$TOP/po/es.po"; then
    wz_summary_in "$W2" "Spanish" --lang es
    tm_send e
    screen_has "Spanish: the reason in Spanish" \
        "no se puede escribir la lista de tareas en"
    tm_send q
    expect_true "Spanish: q quits" wz_gone
fi
