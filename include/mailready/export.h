/* export.h - the records a domain should publish, as the admin's answers
 * imply them (provider presets, sending addresses, host name, DKIM key
 * files, DMARC choices), for the checklist of `mailready export`; and the
 * master-file and DNS-panel forms of a record.
 *
 * Core: no translation.  Notes are N_() msgids with string arguments. */
#ifndef MAILREADY_EXPORT_H
#define MAILREADY_EXPORT_H

#include <stddef.h>

#include "mailready/check.h"
#include "mailready/gen.h"
#include "mailready/preset.h"
#include "mailready/state.h"

/* TTL suggested for new records: an hour, short enough to correct a
 * mistake the same day. */
#define EXPORT_TTL 3600

/* Longest string per line in the zone snippet, so that it fits 80
 * columns; resolvers join the strings of a TXT record. */
#define EXPORT_ZONE_CHUNK 60
#define EXPORT_ZONE_WIDTH 78

struct export_plan {
    struct gen_rrs rrs[STEP_COUNT];         /* for the domain's own zone */
    struct gen_rrs elsewhere[STEP_COUNT];   /* published by someone else:
                                             * PTR by the owner of the
                                             * address, DMARC report
                                             * authorisation by the report
                                             * address's domain */
    struct findings notes[STEP_COUNT];      /* what is left to do by hand:
                                             * the generators' GEN_* notes
                                             * and EXPORT_* ones; N_()
                                             * msgids, not in the finding
                                             * catalog */
    unsigned ttl;
};

/* Build the plan for domain (A-label) from the answers, with the record
 * assembly of gen_records.c (providers, addresses, mail host, DMARC
 * choices) and the DKIM records of the saved key files.  presets may be
 * NULL (no provider is then known).  Answers that say nothing about the
 * mail setup give no records (never a guessed null MX), only notes.
 * Never fails: what cannot be built becomes a note.  Release with
 * export_plan_fini(). */
void export_plan_build(const char *domain, const struct state_answers *a,
                       const struct preset_list *presets,
                       struct export_plan *out);
void export_plan_fini(struct export_plan *p);

/* The owner relative to domain, as DNS panels want it: "@" for the apex,
 * "_dmarc" for _dmarc.DOMAIN; a name outside domain stays absolute with
 * a trailing dot.  Caller frees. */
char *export_relative_name(const char *owner, const char *domain);

/* The record in master-file form, "OWNER. TTL IN TYPE RDATA".  When that
 * line is longer than EXPORT_ZONE_WIDTH, TXT data is split into strings
 * of at most chunk bytes inside parentheses, one string a line indented
 * by indent spaces, so that the snippet fits a page (chunk <=
 * GEN_TXT_CHUNK).  Caller frees. */
char *export_zone_record(const struct gen_rr *rr, unsigned ttl,
                         size_t chunk, int indent);

/* TXT data as DNS panels take it when it is longer than 255 bytes: the
 * strings of at most 255 bytes, each quoted (gen_txt_quote()).  Returns
 * how many (0, *out NULL, when the data fits one string); caller frees
 * with export_chunks_free(). */
size_t export_panel_split(const char *txt, char ***out);
void export_chunks_free(char **v, size_t n);

#endif
