/* gen.h - records produced by the generators, and their zone-file form.
 *
 * The builders (gen_spf.h, gen_dmarc.h, gen_mx.h, gen_dkim.h) return text;
 * this module holds them as resource records with an owner and a type and
 * prints them as master-file lines that named-checkzone accepts.  TXT data
 * is kept unquoted (the bytes a resolver joins); gen_txt_quote() splits it
 * into quoted strings of at most 255 bytes. */
#ifndef MAILREADY_GEN_H
#define MAILREADY_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mailready/rc.h"

/* Longest character-string in a TXT record (RFC 1035 §3.3). */
#define GEN_TXT_CHUNK 255

struct gen_rr {
    char *owner;        /* absolute A-label name, no trailing dot */
    uint16_t type;      /* DNS_T_MX, DNS_T_TXT, DNS_T_CNAME, DNS_T_A... */
    char *rdata;        /* MX: "10 mx.example.com." (or "0 ."),
                         * CNAME: "target.example.net.", A/AAAA: the
                         * address, TXT: the joined text, unquoted */
    const char *note;   /* N_() English comment for the admin, or NULL;
                         * the frontend translates it */
};

struct gen_rrs {
    struct gen_rr *v;
    size_t n;
    size_t cap;
};

void gen_rrs_init(struct gen_rrs *l);
void gen_rrs_fini(struct gen_rrs *l);
/* Append a record (owner and rdata are copied; note is kept as is). */
void gen_rrs_add(struct gen_rrs *l, const char *owner, uint16_t type,
                 const char *rdata, const char *note);

/* TXT data for a master file: quoted strings of at most GEN_TXT_CHUNK
 * bytes each, separated by one space; '"' and '\' are escaped and bytes
 * outside printable ASCII are written as \DDD.  Chunks are cut by the raw
 * byte count, so a string is never longer than 255 bytes on the wire.
 * Empty text gives "".  Caller frees with free(). */
char *gen_txt_quote(const char *text, size_t len);

/* The record as one master-file line: "OWNER. TTL IN TYPE RDATA" (TXT
 * rdata quoted and split with gen_txt_quote()).  ttl 0 leaves the TTL
 * out (the zone's $TTL applies).  Caller frees with free(). */
char *gen_rr_format(const struct gen_rr *rr, unsigned ttl);

/* Type mnemonic of a record type the generators produce ("TXT"). */
const char *gen_type_name(uint16_t type);

/* true if s is a DNS name usable as an owner or target in generated
 * records: labels of letters, digits, '-' and '_' (1..63 bytes, not
 * starting or ending with '-'), total at most 253, no trailing dot. */
bool gen_name_ok(const char *s);

#endif
