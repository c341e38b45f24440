/* cli.h - the command-line frontend: commands, shared options, report
 * rendering.  Frontend only (may translate); core never includes this. */
#ifndef MAILREADY_CLI_H
#define MAILREADY_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "mailready/check.h"
#include "mailready/dns.h"
#include "mailready/finding.h"

/* Exit statuses shared by every command. */
enum cli_exit {
    CLI_EXIT_OK = 0,
    CLI_EXIT_WARN = 1,
    CLI_EXIT_FAIL = 2,
    CLI_EXIT_ERROR = 3      /* could not check, bad input, usage error */
};

/* Options every DNS-using command takes. */
struct cli_common {
    const char *resolvers[16];
    size_t n_resolvers;
    const char *zone_files[16];
    size_t n_zone_files;
    unsigned timeout_s;         /* default 5 */
    bool trace;
    bool json;
    bool offline;               /* --demo: no live DNS */
    const char *lang;
    const char *state_dir;
};

void cli_common_init(struct cli_common *c);

/* If argv[*i] is "--name VALUE" or "--name=VALUE", store VALUE in *val,
 * advance *i past it and return 1; return 0 if it is another option;
 * print an error and return -1 if the value is missing. */
int cli_opt_value(int argc, char **argv, int *i, const char *name,
                  const char **val);

/* Consume one common option at argv[*i] (see above for the return). */
int cli_common_opt(struct cli_common *c, int argc, char **argv, int *i);

/* What to check of a domain besides its name: --server-ip, --selector,
 * --hostname, --dkim-key (check, export and the wizard take them). */
struct cli_target {
    const char *ips[32];
    size_t nips;
    const char *sels[32];
    size_t nsels;
    const char *hostname;
    const char *dkim_key;
};

/* Consume one of those options at argv[*i] (return as cli_opt_value());
 * values are checked: an address, a DKIM selector, a host name. */
int cli_target_opt(struct cli_target *t, int argc, char **argv, int *i);

/* Create the resolver from the common options; prints the error and
 * returns NULL on failure. */
struct dns *cli_dns_new(const struct cli_common *c);

/* Normalise a domain argument; on error prints one line and returns false
 * (the caller exits CLI_EXIT_ERROR). */
bool cli_domain(const char *arg, char **alabel, char **ulabel);


/* Print text wrapped at width columns (UTF-8 aware; a long word is never
 * cut), every line indented by indent spaces, ending in a newline. */
void cli_print_wrapped(FILE *fp, const char *text, int indent, int width);


/* The check report: text and JSON (issue 2 §9 JSON shape). */
void cli_report_text(FILE *fp, struct check_ctx *ctx, const char *ulabel);
json_t *cli_report_json(struct check_ctx *ctx, const char *ulabel,
                        long long checked_at);

/* Saved state (cli_state.c).  struct state is in mailready/state.h. */
struct state;
/* The saved state of alabel (in --state-dir or the default directory), or
 * NULL when there is none.  A file that cannot be read is reported on
 * stderr (where it was moved); *can_save becomes false when it had to be
 * left in place, so that it is not saved over. */
struct state *cli_state_load(const struct cli_common *c, const char *alabel,
                             bool *can_save);
/* The saved answers stand in for the options not given (server
 * addresses, selectors, host name), so that runs compare like with like;
 * saved values are checked again (the file may have been edited).  The
 * strings stay owned by a. */
struct state_answers;
void cli_answers_defaults(const struct state_answers *a, const char **ips,
                          size_t *nips, size_t maxips, const char **sels,
                          size_t *nsels, size_t maxsels,
                          struct check_opts *opts);
/* Keep what a run was given (server addresses, host name, selectors and
 * the --dkim-key path, made absolute) as the admin's answers. */
void cli_answers_store(struct state_answers *a,
                       const struct check_opts *opts);
/* Save st; prints the error and returns false on failure. */
bool cli_state_save(const struct cli_common *c, const struct state *st);
/* --since-last: what changed from old (NULL: nothing saved) to cur.  Text
 * prints nothing when nothing changed (cron mails any output). */
void cli_since_text(FILE *fp, const struct state *old,
                    const struct state *cur, const char *ulabel);
json_t *cli_since_json(const struct state *old, const struct state *cur,
                       const char *ulabel, enum check_status status);

/* Write the checklist of st (cli_export.c): format "txt" (NULL), "md" or
 * "html"; path NULL or "-" is standard output, else the file is written
 * atomically.  from_saved says the state was not checked just now (the
 * heading says so).  Prints the error and returns false on failure.  For
 * `mailready export` and the wizard's summary. */
bool cli_export_write(const struct state *st, const char *alabel,
                      const char *ulabel, const char *format,
                      bool from_saved, const char *path);

/* Commands: argv[0] is the command name. */
int cli_export(int argc, char **argv);
int cli_check(int argc, char **argv);
int cli_spf(int argc, char **argv);
int cli_explain(int argc, char **argv);
int cli_wizard(int argc, char **argv);   /* cli_wizard.c */
int cli_records(int argc, char **argv);  /* cli_records.c */
int cli_keygen(int argc, char **argv);   /* cli_keygen.c */

#endif
