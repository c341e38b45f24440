# The step list (s, or F2 also while typing in a field): every screen of
# the walk with its state; Enter goes to one, Esc goes back; without a
# domain only the domain question opens.  The help lists the key.
. "$TOP/tests/wizard/wiz-lib.sh"

wz_start "${WZ_ZONES[@]}"
screen_has "the domain question, its field in focus" "Your domain"
screen_has "the status line names F2 while typing" "F2 steps"
tm_send F2
screen_has "F2 opens the step list from a field" "All steps"
screen_has "the domain: not answered" "Which domain\?: not answered"
screen_has "the steps, not checked yet" \
    "Step 2: Allowed senders \(SPF\)"
tm_send Down Enter
screen_has "without a domain the others stay closed" "Give the domain first"
tm_send Escape
screen_has "Esc goes back to the domain question" "Your domain"
tm_type "wizard-bad.test"
tm_send Enter
screen_has "the provider question" "Who handles mail for this domain"
tm_send Enter
screen_has "own server: the address field" "public IP addresses"
tm_send "185.117.82.26" Enter "server.wizard-bad.test" Enter
screen_has "step 1 is MX" "Step 1: Mail servers"
screen_has "checked" "Result: "
screen_has "the status line names s" " s steps"
tm_send s
screen_has "s opens the step list" "All steps"
screen_has "the domain, answered" "✔ Which domain\?: wizard-bad\.test"
screen_has "the provider answer" \
    "✔ How is your mail handled\?: your own server"
screen_has "MX with its state" \
    "▲ Step 1: Mail servers \(MX\): warnings"
screen_has "SPF with its state" \
    "✘ Step 2: Allowed senders \(SPF\): problems found"
screen_has "the summary too" "Summary"
tm_send s
screen_has "s again closes the list" "Step 1: Mail servers"
screen_lacks "the list is gone" "All steps"
tm_send s Up Enter
screen_has "Enter on the provider entry: the question again" \
    "Who handles mail for this domain"
tm_send Enter
screen_has "the address field in focus" "public IP addresses"
tm_send s
screen_has "s is typed into the field" "185\.117\.82\.26s"
tm_send BSpace F2
screen_has "F2 opens the list from the field" "All steps"
tm_send End Up Up Enter
screen_has "Enter on PTR: step 5" "Step 5: Reverse DNS \(PTR\)"
tm_send "?"
screen_has "the help of the step" "Reverse DNS \(PTR\)"
# Page down until the key list shows the line (the list is long).
for _ in 1 2 3 4 5 6 7 8 9 10; do
    tm_screen | grep -Eq 's, F2 +Open the list of steps' && break
    tm_send NPage
    sleep 0.2
done
screen_has "help: the key is in the generated list" \
    "s, F2 +Open the list of steps"
tm_send Escape
screen_has "back to PTR" "Step 5: Reverse DNS \(PTR\)"
tm_send q
expect_true "q quits" wz_gone
