/* scr_help.c - help for the current step in a scrollable pager, with the
 * key list made from tui.c's key table. */
#include <stdlib.h>
#include <string.h>

#include "mailready/i18n.h"
#include "mailready/tui.h"
#include "mailready/util.h"

/* The help topic of a screen: the step's own, else the glossary. */
static const char *
topic_of(enum scr_id s)
{
    switch (s) {
    case SCR_MX:
        return "mx";
    case SCR_SPF:
        return "spf";
    case SCR_DKIM:
        return "dkim";
    case SCR_DMARC:
        return "dmarc";
    case SCR_PTR:
        return "ptr";
    case SCR_SMTP:
        return "smtp";
    default:
        return "glossary";
    }
}

static size_t
n_topics(void)
{
    size_t n = 0;

    while (i18n_help_topics[n] != NULL)
        n++;
    return n;
}

/* Load t->help_topic: the screen's own topic (a step's help is followed by
 * why a change takes time to show), else the other topic it names. */
static void
help_load(struct tui *t)
{
    char *text = NULL;

    free(t->help_text);
    t->help_text = NULL;
    if (t->help_topic >= 0) {
        if (i18n_help_load(i18n_help_topics[t->help_topic], &text) == RC_OK)
            t->help_text = text;
        return;
    }
    if (i18n_help_load(topic_of(t->help_return), &text) == RC_OK)
        t->help_text = text;
    /* Every step publishes records: why a change takes time to show. */
    if (t->help_text != NULL && t->help_return >= SCR_MX &&
        t->help_return <= SCR_SMTP) {
        char *more = NULL;

        if (i18n_help_load("propagation", &more) == RC_OK) {
            char *all = xasprintf("%s\n\n%s", t->help_text, more);

            free(t->help_text);
            t->help_text = all;
            free(more);
        }
    }
}

static char *topic_title(const char *topic);

static void
help_enter(struct tui *t)
{
    t->help_topic = -1;
    help_load(t);
    /* The titles of the other topics, read when the screen opens (and
     * again in the other language), not on every draw. */
    if (t->help_titles != NULL)
        for (size_t i = 0; i < n_topics(); i++)
            free(t->help_titles[i]);
    free(t->help_titles);
    t->help_titles = xcalloc(n_topics() + 1, sizeof(char *));
    for (size_t i = 0; i < n_topics(); i++)
        t->help_titles[i] = topic_title(i18n_help_topics[i]);
}

/* The title of a topic: the first line of its text. */
static char *
topic_title(const char *topic)
{
    char *text = NULL, *title;

    if (i18n_help_load(topic, &text) != RC_OK)
        return xstrdup(topic);
    title = xstrndup(text, strcspn(text, "\n"));
    free(text);
    return title;
}

static void
help_draw(const struct tui *t, struct tw_doc *d)
{
    if (t->help_text != NULL) {
        const char *nl = strchr(t->help_text, '\n');
        size_t tl = nl != NULL ? (size_t)(nl - t->help_text)
                               : strlen(t->help_text);
        char *title = xstrndup(t->help_text, tl);

        tw_text(d, TS_BOLD, 0, title);
        free(title);
        if (nl != NULL)
            tw_text(d, TS_NORMAL, 0, nl + 1);
    } else {
        tw_text(d, TS_DIM, 0, _("There is no help text for this step."));
    }
    tw_blank(d);
    tw_text(d, TS_BOLD, 0, _("More help"));
    tw_text(d, TS_NORMAL, 0,
            _("Press t to read the next topic, T the previous one:"));
    for (size_t i = 0; i < n_topics(); i++) {
        char *line = xasprintf("%s %s", (int)i == t->help_topic ? "▸" : "·",
                               t->help_titles != NULL ? t->help_titles[i]
                                                      : i18n_help_topics[i]);

        tw_text(d, (int)i == t->help_topic ? TS_BOLD : TS_NORMAL, 2, line);
        free(line);
    }
    tw_blank(d);
    tw_text(d, TS_BOLD, 0, _("Keys"));
    tui_keys_doc(d);
    tw_blank(d);
    tw_text(d, TS_DIM, 0, _("Press Esc or Enter to go back."));
}

static unsigned
help_key(struct tui *t, int key)
{
    if (key == 't' || key == 'T') {
        int n = (int)n_topics();

        /* -1 (the screen's own), 0 .. n-1, and round again */
        t->help_topic += key == 't' ? 1 : n;
        t->help_topic = (t->help_topic + 1) % (n + 1) - 1;
        help_load(t);
        t->scroll = 0;
        return ACT_USED | ACT_REDRAW;
    }
    if (key == TK_ESC || key == TK_ENTER || key == 'q' || key == 'b'
        || key == TK_FN(KEY_F(1)) || key == '?')
        return ACT_BACK | ACT_REDRAW;
    return ACT_NONE;
}

const struct screen_ops scr_help_ops = {
    .id = "help",
    .title = N_("Help"),
    .enter = help_enter,
    .draw = help_draw,
    .key = help_key,
};
