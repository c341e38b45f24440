# Coming back after the records changed: the welcome-back screen says
# what changed in the records, in plain words (the MX host, the SPF
# term, the DMARC policy), not only which steps changed status; and a
# run during an outage is not taken as a change.
. "$TOP/tests/wizard/wiz-lib.sh"

mkdir -p "$T/z"
cp "$WZ_DIR"/*.zone "$T/z/"
wz_zones "$T/z"
Z=$T/z/wizard-ok.test.zone
OPTS=(--server-ip 185.117.82.25 --hostname mail.wizard-ok.test)

wz_start wizard-ok.test "${WZ_ZONES[@]}" "${OPTS[@]}"
screen_has "first visit" "Step 1: Mail servers"
screen_has "first visit: checked" "Result: OK"
tm_send q
expect_true "q quits (exit 0)" wz_gone

# The admin moves the MX, adds an address to SPF, and relaxes DMARC.
sed -i -e 's/^@       IN MX 10 mail$/@       IN MX 10 mx2/' \
    -e 's/ip4:185\.117\.82\.25 -all/ip4:185.117.82.25 ip4:81.7.12.99 -all/' \
    -e 's/p=reject; rua/p=quarantine; rua/' "$Z"
echo 'mx2     IN A 185.117.82.25' >> "$Z"
wz_start wizard-ok.test "${WZ_ZONES[@]}" "${OPTS[@]}"
screen_has "coming back: welcome back" "Welcome back"
screen_has "the MX change in words" \
    "The MX now points to mx2\.wizard-ok\.test instead of"
screen_has "the SPF term gained" "SPF gained ip4:81\.7\.12\.99\."
screen_has "the DMARC policy change" \
    "The DMARC policy went from reject to quarantine\."
screen_has "the MX step: records changed" \
    "Mail servers \(MX\): records changed"
screen_lacks "no bare ids" "CHANGE_|[A-Z]+_[A-Z]+_[A-Z]+"
tm_send Enter
tm_send q
expect_true "q quits (exit 0) after the welcome-back screen" wz_gone

# Nothing changed since: the welcome-back screen says so per step.
wz_start wizard-ok.test "${WZ_ZONES[@]}" "${OPTS[@]}"
screen_has "third visit: welcome back" "Welcome back"
screen_has "third visit: MX still good" "Mail servers \(MX\): still good"
screen_lacks "third visit: no record change" "now points to|gained|went from"
tm_send Enter
tm_send q
expect_true "q quits (exit 0)" wz_gone

# An outage (nothing answers): could not check, and the next visit with
# DNS back compares with the last good result: no "fixed".
wz_start wizard-ok.test --resolver "$BLACKHOLE" --timeout 1 "${OPTS[@]}"
screen_has "outage: welcome back" "Welcome back"
screen_has "outage: MX could not be checked" \
    "Mail servers \(MX\): could not check"
tm_send Enter
tm_send q
expect_true "q quits (exit 0) after an outage" wz_gone
wz_start wizard-ok.test "${WZ_ZONES[@]}" "${OPTS[@]}"
screen_has "after the outage: MX still good" \
    "Mail servers \(MX\): still good"
screen_lacks "after the outage: nothing fixed" "fixed"
tm_send Enter
tm_send q
expect_true "q quits (exit 0)" wz_gone
