/* cli_explain.c - `mailready explain FINDING_ID`: what a finding means, why
 * it matters and how to fix it, from the finding catalog, translated. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailready/cli.h"
#include "mailready/i18n.h"
#include "mailready/util.h"

static void
explain_usage(FILE *fp)
{
    fputs(_("Usage: mailready explain FINDING_ID [--json] [--lang es|en]\n"
            "       mailready explain --list [--json] [--lang es|en]\n"
            "Explain a finding of `mailready check`: what it means, why it "
            "matters\n"
            "and how to fix it.  --list shows every finding id.\n"), fp);
}

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
    for (size_t i = 0; (fi = finding_info_at(i)) != NULL; i++)
        printf("%-*s  %-7s  %s\n", width, fi->id, fi->step, _(fi->title));
    return CLI_EXIT_OK;
}

static int
explain_one(const char *id, bool json)
{
    const struct finding_info *fi = finding_info_find(id);
    char *heading;

    if (fi == NULL) {
        char *vis = str_visible(id, strlen(id));

        fprintf(stderr, _("mailready: unknown finding id '%s' (mailready "
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
    const char *id = NULL;
    bool list = false, json = false;

    for (int i = 1; i < argc; i++) {
        const char *v;
        int r;

        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            explain_usage(stdout);
            return CLI_EXIT_OK;
        }
        if (strcmp(argv[i], "--list") == 0) {
            list = true;
            continue;
        }
        if (strcmp(argv[i], "--json") == 0) {
            json = true;
            continue;
        }
        /* --lang was applied by main(); accept and skip it here. */
        if ((r = cli_opt_value(argc, argv, &i, "--lang", &v)) != 0) {
            if (r < 0)
                return CLI_EXIT_ERROR;
            continue;
        }
        if (argv[i][0] == '-' || id != NULL) {
            char *vis = str_visible(argv[i], strlen(argv[i]));

            fprintf(stderr, _("mailready: unexpected argument '%s'\n"), vis);
            free(vis);
            explain_usage(stderr);
            return CLI_EXIT_ERROR;
        }
        id = argv[i];
    }
    if (list && id == NULL)
        return explain_list(json);
    if (id == NULL || list) {
        explain_usage(stderr);
        return CLI_EXIT_ERROR;
    }
    return explain_one(id, json);
}
