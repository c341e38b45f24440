# A beginner's exits and returns, in English and in Spanish: q (and F10)
# quits and leaves a short summary on the terminal (where the progress is
# saved, the checklist if one was written, the command that checks
# again); after c (copy) nothing of the copied screen is left on the
# terminal; the next run offers the last domain in its field; Esc on a
# step screen goes back.
. "$TOP/tests/wizard/wiz-lib.sh"

# The terminal after the wizard, scrollback included, its lines joined
# (a long path wraps at 80 columns) matches REGEX.
_after_has() {
    _tm capture-pane -p -J -S -200 -t "$TM_SESSION" | tr -d '\n' |
        grep -Eq -- "$1" && return 0
    echo "no /$1/ in:"
    _tm capture-pane -p -J -S -200 -t "$TM_SESSION"
    return 1
}

for lang in en es; do
    if [ "$lang" = es ]; then
        re_saved='Tu progreso en wizard-ok\.test se ha guardado en'
        re_again='Para comprobarlo de nuevo: ejecuta otra vez la misma orden'
        re_list='Tu lista de tareas:'
        re_last='La última vez trabajaste con wizard-ok\.test'
        re_mx='Paso 1: Servidores'
        re_sum='Lo que queda por hacer'
        re_written='Lista de tareas escrita|Checklist written'
    else
        re_saved='Your progress on wizard-ok\.test is saved in'
        re_again='To check again: run the same command again'
        re_list='Your checklist:'
        re_last='Last time you worked on wizard-ok\.test'
        re_mx='Step 1: Mail servers'
        re_sum='What is left to do'
        re_written='Checklist written'
    fi
    st=$T/state-$lang
    mkdir -p "$st" "$T/work-$lang"
    # The first visit: a copy (c, then Enter), a checklist (e on the
    # summary), then q.
    wz_fresh
    rm -f "$T/wz.rc"
    tm_start env HOME="$T/home" XDG_DATA_HOME="$T/data" \
        MAILREADY_DATADIR="$TOP/data" MAILREADY_HELPDIR="$TOP/help" \
        sh -c 'cd "$1" && shift && exec "$@"' cd "$T/work-$lang" \
        "${WZ_WRAP[@]}" "$MAILREADY" wizard wizard-ok.test --lang "$lang" \
        "${WZ_ZONES[@]}" --server-ip 185.117.82.25 \
        --hostname mail.wizard-ok.test --state-dir "$st"
    screen_has "$lang: step 1" "$re_mx"
    tm_wait_gone 'checking DNS|consultando el DNS' 10 > /dev/null
    tm_send c
    screen_has "$lang: c prints the screen to copy" "^== "
    tm_send Enter
    screen_has "$lang: Enter comes back" "$re_mx"
    tm_send Escape
    screen_has "$lang: Esc on step 1 goes back to the provider question" \
        "How is your mail handled|¿Quién gestiona tu correo"
    tm_send F6
    screen_has "$lang: F6 goes on to step 1" "$re_mx"
    tm_send 7
    screen_has "$lang: the summary" "$re_sum"
    tm_send e
    screen_has "$lang: the checklist is written" "$re_written"
    tm_send q
    expect_true "$lang: q quits" wz_gone
    expect_true "$lang: the summary says where the progress is" \
        _after_has "$re_saved.*state-$lang/wizard-ok\.test\.json"
    expect_true "$lang: ... in the state directory" \
        test -f "$st/wizard-ok.test.json"
    expect_true "$lang: the summary names the checklist" \
        _after_has "$re_list .*mailready-wizard-ok\.test\.txt"
    expect_true "$lang: the summary gives the command to check again" \
        _after_has "$re_again"
    screen_lacks "$lang: nothing of the copy is left on the terminal" \
        "^== |Press Enter to go back|Pulsa (Enter|Intro) para volver"

    # The next run, without a domain: the last one is offered; F10 quits.
    wz_fresh
    rm -f "$T/wz.rc"
    tm_start env HOME="$T/home" XDG_DATA_HOME="$T/data" \
        MAILREADY_DATADIR="$TOP/data" MAILREADY_HELPDIR="$TOP/help" \
        "${WZ_WRAP[@]}" "$MAILREADY" wizard --lang "$lang" \
        "${WZ_ZONES[@]}" --state-dir "$st"
    screen_has "$lang: the next run offers the last domain" "$re_last"
    screen_has "$lang: ... in the field" "^ > wizard-ok\.test"
    tm_send Enter
    screen_has "$lang: Enter opens it" "wizard-ok\.test"
    tm_send F10
    expect_true "$lang: F10 quits" wz_gone
done
