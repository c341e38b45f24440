# The demo walk of w_demo_walk.sh in Spanish: every screen at 80x24, page
# by page, no command-line option, every key of the status line shown.
DEMO_LANGS=es
. "$TOP/tests/wizard/w_demo_walk.sh"
