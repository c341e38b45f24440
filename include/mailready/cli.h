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
#include "mailready/state.h"

/* Exit statuses shared by every command. */
enum cli_exit {
    CLI_EXIT_OK = 0,
    CLI_EXIT_WARN = 1,
    CLI_EXIT_FAIL = 2,
    CLI_EXIT_ERROR = 3      /* could not check, bad input, usage error */
};

/* The most --resolver and --zone-file options a command takes. */
#define CLI_MAX_RESOLVERS 16
#define CLI_MAX_ZONE_FILES 16

/* Options every DNS-using command takes. */
struct cli_common {
    const char *resolvers[CLI_MAX_RESOLVERS];
    size_t n_resolvers;
    const char *zone_files[CLI_MAX_ZONE_FILES];
    size_t n_zone_files;
    unsigned timeout_s;         /* default 5 */
    unsigned deadline_s;        /* for the whole run; 0: 3 x timeout_s
                                 * (struct dns_opts.deadline_ms) */
    bool trace;
    bool json;
    bool offline;               /* --no-network, --demo: no live DNS */
    const char *lang;
    const char *state_dir;
    unsigned dmarc_monitor_days;    /* 0: JOURNEY_DMARC_DAYS (journey.h) */
    unsigned max_inflight;      /* struct dns_opts.max_inflight; 0: none */
    unsigned qps;               /* struct dns_opts.qps; 0: none */
    bool no_auth;               /* --no-authoritative */
    unsigned auth_port;         /* --auth-port; 0: 53 */
};

void cli_common_init(struct cli_common *c);

/* What to check of a domain besides its name: --server-ip, --selector,
 * --hostname, --dkim-key (check, export and the wizard take them).  The
 * limits are the state's (state.h), the same for the CLI and the
 * wizard. */
/* A host name in A-label form, its NUL included (RFC 1035: 253). */
#define CLI_NAME_BUF 254

struct cli_target {
    const char *ips[STATE_MAX_SERVER_IPS];
    size_t nips;
    const char *sels[STATE_MAX_SELECTORS];
    size_t nsels;
    const char *hostname;       /* A-label, into hostname_buf */
    const char *dkim_key;
    char hostname_buf[CLI_NAME_BUF];
};

/* ---- Options: one table per command, one parser ---------------------
 *
 * A command lists its options (struct cli_opt) in a struct cli_cmd;
 * cli_parse() reads argv by that table and --help is printed from it, so
 * that the parser and the help cannot drift.  Every option takes
 * "--name VALUE" and "--name=VALUE".  The options several commands share
 * are defined once in cli_common.c (cli_opt_timeout, ...). */

enum cli_arg {
    CLI_ARG_FLAG,               /* no value: sets a bool */
    CLI_ARG_STR,                /* a string; the last one given counts */
    CLI_ARG_LIST,               /* a string added to a list (repeatable) */
    CLI_ARG_UINT                /* a whole number from min to max, into
                                 * an unsigned */
};

/* Which struct the value goes into. */
enum cli_dest {
    CLI_DEST_COMMON,            /* struct cli_common */
    CLI_DEST_TARGET,            /* struct cli_target */
    CLI_DEST_CMD                /* the command's own struct */
};

struct cli_opt {
    const char *name;           /* "--timeout" */
    const char *alias;          /* "-o", or NULL */
    enum cli_arg arg;
    const char *metavar;        /* N_("SECONDS") in --help (a word is
                                 * translated, "es|en" is not); NULL for a
                                 * flag */
    enum cli_dest dest;
    size_t off;                 /* offsetof() the field in dest */
    size_t count_off;           /* CLI_ARG_LIST: offsetof() its size_t
                                 * count; the list is a const char *[max] */
    unsigned long min, max;     /* CLI_ARG_UINT: the range; CLI_ARG_LIST:
                                 * max is the limit, named in --help */
    const char *choices;        /* "es|en": the value must be one of these
                                 * (ASCII case ignored), or NULL */
    bool (*valid)(const char *v);   /* else this check, or NULL */
    const char *bad;            /* N_() when valid() refuses: one %s, the
                                 * value */
    const char *help;           /* N_() "\n" starts another line; a list's
                                 * text has one %s, its limit; another's
                                 * one %s when help_arg is set */
    const char *help_arg;       /* not translated (a URL, DNS syntax) */
    bool host;                  /* CLI_ARG_STR: a host name, A-label or
                                 * U-label (RFC 5890); its A-label goes
                                 * into the char[CLI_NAME_BUF] at host_buf
                                 * in dest, and the field points there */
    size_t host_buf;
    bool value_optional;        /* CLI_ARG_UINT: "--name" alone stores
                                 * dflt; "--name N" takes a next argument
                                 * made of digits only, "--name=N" any */
    unsigned long dflt;
};

struct cli_cmd {
    const char *name;           /* "check" */
    const char *usage;          /* N_() the lines above the options */
    const struct cli_opt *own;  /* the command's own options */
    size_t nown;
    const struct cli_opt *const *shared;    /* then these (cli_opt_...) */
    size_t nshared;
    size_t max_args;            /* arguments that are not options */
    const char *epilogue;       /* N_() the lines below, or NULL */
    void (*more_help)(FILE *fp);    /* prints more below, or NULL */
};

#define CLI_MAX_ARGS 4

/* Where cli_parse() puts what it read; the pointers the table's dests
 * need must be set (the others may be NULL). */
struct cli_args {
    struct cli_common *com;
    struct cli_target *tg;
    void *cmd;
    const char *args[CLI_MAX_ARGS];     /* the arguments, in order */
    size_t nargs;
};

/* cli_parse() returns this when the command is to run. */
#define CLI_PARSE_RUN (-1)

/* Read argv[1..argc-1] by cmd's table into a.  Returns CLI_PARSE_RUN; or
 * CLI_EXIT_OK after printing --help (-h) on stdout; or CLI_EXIT_ERROR
 * after printing one line on stderr: an unknown option, a missing value,
 * a bad value, more than the limit of a list, or an argument too many.
 * "--" ends the options.  Values are checked (addresses, selectors, host
 * names, numbers, choices); --lang takes effect at once. */
int cli_parse(const struct cli_cmd *cmd, int argc, char **argv,
              struct cli_args *a);

/* The help of cmd: usage, the options from the table, the epilogue. */
void cli_help(FILE *fp, const struct cli_cmd *cmd);

/* The shared options (cli_common.c). */
extern const struct cli_opt cli_opt_no_authoritative, cli_opt_auth_port;
extern const struct cli_opt cli_opt_json, cli_opt_resolver,
    cli_opt_zone_file, cli_opt_timeout, cli_opt_deadline, cli_opt_trace,
    cli_opt_no_network, cli_opt_lang, cli_opt_state_dir, cli_opt_server_ip,
    cli_opt_selector, cli_opt_hostname, cli_opt_dkim_key,
    cli_opt_dmarc_monitor_days;

/* The options of every command that asks DNS, in their --help order. */
#define CLI_OPTS_DNS &cli_opt_resolver, &cli_opt_zone_file, \
    &cli_opt_no_network, &cli_opt_timeout, &cli_opt_deadline, &cli_opt_trace

/* Create the resolver from the common options; prints the error and
 * returns NULL on failure. */
struct dns *cli_dns_new(const struct cli_common *c);

/* Normalise a domain argument; on error prints one line and returns false
 * (the caller exits CLI_EXIT_ERROR). */
bool cli_domain(const char *arg, char **alabel, char **ulabel);


/* An error or warning for the admin on stderr: fmt (translated,
 * "mailready: ..." ending in '\n') with its arguments.  On a terminal it
 * is wrapped at 79 columns, the wrapped lines under the text after
 * "mailready: "; anywhere else (a pipe, a log, cron's mail) it stays one
 * line per message, for grep and log readers. */
void cli_errorf(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* Print text wrapped at width columns (UTF-8 aware; a long word is never
 * cut), every line indented by indent spaces, ending in a newline. */
void cli_print_wrapped(FILE *fp, const char *text, int indent, int width);
/* The same, but a line that has to be wrapped goes on hang columns
 * further in than its first line ("  x message" continues under
 * "message"); a line break in text starts again at indent. */
void cli_print_hanging(FILE *fp, const char *text, int indent, int hang,
                       int width);
/* Print prefix as it is, then text wrapped at width columns, its wrapped
 * lines indented to the end of prefix (a column of a list). */
void cli_print_column(FILE *fp, const char *prefix, const char *text,
                      int width);


/* The check report: text and JSON (issue 2 §9 JSON shape). */
void cli_report_text(FILE *fp, struct check_ctx *ctx, const char *ulabel);
/* Findings as the JSON of check --json: id, severity, message, fix. */
json_t *cli_findings_json(const struct findings *fs);
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
/* The declared setup of a run: the saved answers (may be NULL) with the
 * addresses this run checks.  Presets are read only when a provider is
 * named.  Release with check_intent_fini(). */
struct check_intent;
void cli_intent_of(struct check_intent *ci, const char *alabel,
                   const struct state_answers *saved,
                   const char *const *ips, size_t nips);
/* Save st; prints the error and returns false on failure. */
bool cli_state_save(const struct cli_common *c, const struct state *st);
/* --since-last: what changed from old (NULL: nothing saved) to cur.  Text
 * prints nothing when nothing changed (cron mails any output). */
void cli_since_text(FILE *fp, const struct state *old,
                    const struct state *cur, const char *ulabel);
json_t *cli_since_json(const struct state *old, const struct state *cur,
                       const char *ulabel, enum check_status status);


/* `check --batch FILE` (cli_batch.c): what check passes on. */
struct cli_batch_args {
    const char *file;           /* "-": standard input */
    bool save, since_last, details;
};
/* Check every domain of the file (one a line) with the options of tg;
 * returns the exit status, the worst over the batch. */
int cli_check_batch(const struct cli_common *com,
                    const struct cli_target *tg,
                    const struct cli_batch_args *ba);

/* Commands: argv[0] is the command name. */
int cli_export(int argc, char **argv);
int cli_check(int argc, char **argv);
int cli_spf(int argc, char **argv);
int cli_explain(int argc, char **argv);
int cli_wizard(int argc, char **argv);   /* cli_wizard.c */
int cli_records(int argc, char **argv);  /* cli_records.c */
int cli_keygen(int argc, char **argv);   /* cli_keygen.c */
int cli_plan(int argc, char **argv);     /* cli_plan.c */
int cli_verify(int argc, char **argv);   /* cli_verify.c */

#endif
