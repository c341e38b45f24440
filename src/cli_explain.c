/* cli_explain.c - `mailready explain FINDING_ID`: what a finding means, why
 * it matters and how to fix it, from the finding catalog, translated. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailready/cli.h"
#include "mailready/i18n.h"
#include "mailready/util.h"

struct explain_args {
    bool list;
};

static const struct cli_opt explain_own[] = {
    {
        .name = "--list", .arg = CLI_ARG_FLAG, .dest = CLI_DEST_CMD,
        .off = offsetof(struct explain_args, list),
        .help = N_("list every finding id"),
    },
};

static const struct cli_opt *const explain_shared[] = {
    &cli_opt_json, &cli_opt_lang,
};

static const struct cli_cmd explain_cmd = {
    .name = "explain",
    .usage = N_("Usage: mailready explain FINDING_ID [OPTION]...\n"
                "       mailready explain --list [OPTION]...\n"
                "Explain a finding of `mailready check`: what it means, why "
                "it matters\n"
                "and how to fix it.\n"),
    .own = explain_own,
    .nown = ARRAY_LEN(explain_own),
    .shared = explain_shared,
    .nshared = ARRAY_LEN(explain_shared),
    .max_args = 1,
};

static json_t *
info_json(const struct finding_info *fi)
{
    json_t *o = json_object();

    json_object_set_new(o, "id", json_string(fi->id));
    json_object_set_new(o, "step", json_string(fi->step));
    json_object_set_new(o, "title", json_string(_(fi->title)));
    json_object_set_new(o, "why", json_string(_(fi->why)));
    if (fi->fix[0] != '\0')
        json_object_set_new(o, "fix", json_string(_(fi->fix)));
    return o;
}

static int
print_json(json_t *j)
{
    char *s = json_dumps(j, JSON_INDENT(2));

    json_decref(j);
    if (s == NULL)
        die("%s", _("out of memory"));
    puts(s);
    free(s);
    return CLI_EXIT_OK;
}

static int
explain_list(bool json)
{
    const struct finding_info *fi;
    json_t *arr;
    int width = 0;

    if (json) {
        arr = json_array();
        for (size_t i = 0; (fi = finding_info_at(i)) != NULL; i++)
            json_array_append_new(arr, info_json(fi));
        return print_json(arr);
    }
    for (size_t i = 0; (fi = finding_info_at(i)) != NULL; i++) {
        int n = (int)strlen(fi->id);

        if (n > width)
            width = n;
    }
    for (size_t i = 0; (fi = finding_info_at(i)) != NULL; i++) {
        char *prefix = xasprintf("%-*s  %-7s  ", width, fi->id, fi->step);

        /* a long title wraps under itself, within 80 columns */
        cli_print_column(stdout, prefix, _(fi->title), 79);
        free(prefix);
    }
    return CLI_EXIT_OK;
}

static int
explain_one(const char *id, bool json)
{
    const struct finding_info *fi = finding_info_find(id);
    char *heading;

    if (fi == NULL) {
        char *vis = str_visible(id, strlen(id));

        cli_errorf(_("mailready: unknown finding id '%s' (mailready "
                     "explain --list shows them all)\n"), vis);
        free(vis);
        return CLI_EXIT_ERROR;
    }
    if (json)
        return print_json(info_json(fi));
    heading = xasprintf("%s: %s", fi->id, _(fi->title));
    cli_print_wrapped(stdout, heading, 0, 78);
    free(heading);
    /* TRANSLATORS: heading of `mailready explain`, before the reason. */
    printf("\n%s\n", _("Why it matters:"));
    cli_print_wrapped(stdout, _(fi->why), 2, 78);
    if (fi->fix[0] != '\0') {
        /* TRANSLATORS: heading of `mailready explain`, before the fix. */
        printf("\n%s\n", _("How to fix it:"));
        cli_print_wrapped(stdout, _(fi->fix), 2, 78);
    } else {
        printf("\n");
        cli_print_wrapped(stdout, _("Nothing to fix: this is for your "
                                    "information."), 2, 78);
    }
    return CLI_EXIT_OK;
}

int
cli_explain(int argc, char **argv)
{
    struct cli_common com;
    struct explain_args ea = { false };
    struct cli_args pa = { .com = &com, .cmd = &ea };
    const char *id;
    int r;

    cli_common_init(&com);
    r = cli_parse(&explain_cmd, argc, argv, &pa);
    if (r != CLI_PARSE_RUN)
        return r;
    id = pa.nargs > 0 ? pa.args[0] : NULL;
    if (ea.list && id == NULL)
        return explain_list(com.json);
    if (id == NULL || ea.list) {
        cli_help(stderr, &explain_cmd);
        return CLI_EXIT_ERROR;
    }
    return explain_one(id, com.json);
}
