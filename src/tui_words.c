/* tui_words.c - the wizard's own wording of the core texts that tell the
 * admin to use a command-line option (--selector, --server-ip, --hostname,
 * --mx-host, --resolver, --rua, "mailready records"): on a screen the
 * same advice names the wizard's action instead.  The CLI keeps the core
 * wording; the table is keyed by finding id, so the core may reword its
 * text without the wizard showing the option again (the demo walk test,
 * tests/wizard/w_demo_walk.sh, fails on any --option on a screen). */
#include <stddef.h>
#include <string.h>

#include "mailready/finding.h"
#include "mailready/i18n.h"
#include "mailready/present.h"
#include "mailready/tui.h"
#include "mailready/util.h"

/* For one finding id: the wizard's message (same arguments as the core's,
 * or fewer), why and fix; NULL keeps the core text. */
struct tui_word {
    const char *id;
    const char *msg, *why, *fix;
};

static const struct tui_word words[] = {
    { "DKIM_NO_SELECTOR",
      N_("No DKIM key was found at any of the %1$s well-known selectors "
         "tried. A key at another selector cannot be seen from DNS: press "
         "e on the DKIM step and type the selector you use."),
      NULL,
      N_("If you sign mail, press e on the DKIM step and type your "
         "selector (the s= of the DKIM-Signature header in a message you "
         "sent). If you do not, turn on DKIM signing at your mail provider "
         "or server and publish its key.") },
    { "DMARC_WITHOUT_AUTH",
      N_("%1$s publishes DMARC but has no SPF record and no DKIM key at "
         "any selector given or found, so its mail cannot pass DMARC. A "
         "DKIM key at a selector that was not tried cannot be seen: press "
         "e on the DKIM step to type it."),
      NULL,
      N_("Publish an SPF record for the domain and sign mail with DKIM; "
         "if you sign with a selector that was not found, press e on the "
         "DKIM step to type it.") },
    { "DMARC_DKIM_CANNOT_ALIGN", NULL, NULL,
      N_("Sign your mail with DKIM at your domain, or type the selector "
         "you use: press e on the DKIM step.") },
    { "DMARC_MISSING", NULL, NULL,
      N_("Publish a TXT record at _dmarc.YOUR-DOMAIN, for a start "
         "\"v=DMARC1; p=none; rua=mailto:dmarc-reports@YOUR-DOMAIN\" (the "
         "DMARC step shows the record to publish), read the reports, then "
         "move to p=quarantine and p=reject.") },
    { "DNS_TIMEOUT", NULL, NULL,
      N_("Press r to check again in a while, or d to ask another DNS "
         "server.") },
    { "PTR_HOSTNAME_MISMATCH", NULL, NULL,
      N_("Set the PTR record to the server's host name, or correct the "
         "host name the wizard has: press s and choose \"How is your mail "
         "handled?\".") },
    { "PTR_NOT_GLOBAL",
      N_("The MX hosts of %1$s have only addresses that cannot be reached "
         "from the Internet, which send no Internet mail: their reverse "
         "DNS was not checked. Type your sending server's public address: "
         "press s and choose \"How is your mail handled?\"."),
      NULL,
      N_("Type the public address your mail leaves from to check its PTR "
         "record: press s and choose \"How is your mail handled?\".") },
    { "PTR_NO_SERVER_IP",
      N_("No mail server address to check for %1$s: it has no MX host "
         "with an address. Type your sending server's address: press s "
         "and choose \"How is your mail handled?\"."),
      N_("Reverse DNS is checked for the addresses of your mail servers: "
         "the MX hosts, or the addresses you typed on the \"How is your "
         "mail handled?\" screen."),
      N_("Type the address of each server that sends your mail: press s "
         "and choose \"How is your mail handled?\".") },
    /* The notes of the records to publish (gen_records.c, export_plan.c). */
    { "GEN_OWN_NO_MX_HOST",
      N_("For your own server, type its host name (for example mail.%s): "
         "press s and choose \"How is your mail handled?\"."), NULL, NULL },
    { "GEN_MX_UNKNOWN",
      N_("The provider profiles do not know the MX hosts of %s; copy them "
         "from the provider's admin center and publish them as shown "
         "there."), NULL, NULL },
    { "GEN_MX_TEMPLATE",
      N_("How %1$s names the MX host of a domain that contains '-' is not "
         "documented; copy it from the provider's admin center and publish "
         "it as shown there."), NULL, NULL },
    { "GEN_DMARC_NO_RUA",
      N_("With %s and no report address you get no reports, so the "
         "monitoring stage shows you nothing: give one in the DMARC step's "
         "report address question."), NULL, NULL },
    { "GEN_PTR_NO_HOST",
      N_("%s has no host name, so no PTR request was written for it: "
         "press s and choose \"How is your mail handled?\" to type it."),
      NULL, NULL },
    { "GEN_NO_MX",
      N_("Nobody receives mail for %s, so no MX record was made: replies "
         "and bounces to it will fail. Press s and choose \"How is your "
         "mail handled?\" to mark the provider or server that receives "
         "it."), NULL, NULL },
    { "GEN_DKIM_OWN",
      N_("DKIM for your own server: press g on the DKIM step to make a "
         "key, then publish the record it shows."), NULL, NULL },
    { "EXPORT_NO_ANSWERS",
      N_("Neither a mail provider nor your own mail server is known, so "
         "no MX or SPF record is suggested: press s and choose \"How is "
         "your mail handled?\" to answer it."), NULL, NULL },
    { "EXPORT_NO_DKIM_KEY",
      N_("No DKIM key is known: press g on the DKIM step to make one, "
         "then publish the record it shows."), NULL, NULL },
};

static const struct tui_word *
word_of(const char *id)
{
    for (size_t i = 0; id != NULL && i < ARRAY_LEN(words); i++)
        if (strcmp(words[i].id, id) == 0)
            return &words[i];
    return NULL;
}

char *
tui_finding_message(const struct finding *f)
{
    const struct tui_word *w = word_of(f->id);
    struct finding g;

    if (w == NULL || w->msg == NULL)
        return present_finding_message(f);
    /* A shallow copy with the wizard's format: the arguments stay the
     * core's (the wizard's text uses the same ones, or fewer). */
    g = *f;
    g.msgid = w->msg;
    g.msgid_plural = NULL;
    return present_finding_message(&g);
}

const char *
tui_finding_why(const char *id)
{
    const struct tui_word *w = word_of(id);
    const struct finding_info *fi;

    if (w != NULL && w->why != NULL)
        return _(w->why);
    fi = finding_info_find(id);
    if (fi == NULL || fi->why == NULL || fi->why[0] == '\0')
        return NULL;
    return _(fi->why);
}

const char *
tui_finding_fix(const char *id)
{
    const struct tui_word *w = word_of(id);

    if (w != NULL && w->fix != NULL)
        return _(w->fix);
    return present_finding_fix(id);
}
