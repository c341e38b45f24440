/* dns_parse.h - DNS wire format: the response parser behind dns.c and
 * dns_zone.c, usable on canned packets in tests.
 *
 * Everything here treats its input as hostile: every length is bounded,
 * compression pointers must point strictly backwards, and bad input gives
 * false or DNS_MALFORMED, never a crash.
 */
#ifndef MAILREADY_DNS_PARSE_H
#define MAILREADY_DNS_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mailready/dns.h"

/* Longest name in wire form, root label included. */
#define DNS_WIRE_NAME_MAX 255
/* Room for a name in presentation form plus its NUL. */
#define DNS_NAME_BUF (DNS_NAME_MAX + 1)

/* Parse a complete DNS response of len bytes.  qname NULL or qtype 0 take
 * the name or type from the question section.  Never returns NULL: bad
 * input gives an answer with status DNS_MALFORMED and no records, a
 * response with the TC bit DNS_TRUNCATED and no records (the caller asks
 * again over TCP first: what is still truncated cannot be completed).
 * Otherwise the status follows the RCODE as in dns_answer_finish().
 * Caller frees with dns_answer_free(). */
struct dns_answer *dns_parse(const unsigned char *pkt, size_t len,
                             const char *qname, uint16_t qtype);

/* Read the possibly compressed name at *off in pkt into out (presentation
 * form: no trailing dot, "" for the root, \. and \DDD escapes, case kept).
 * On success *off is moved past the name as stored at *off.  outsz must
 * be at least DNS_NAME_BUF. */
bool dns_name_read(const unsigned char *pkt, size_t len, size_t *off,
                   char *out, size_t outsz);
/* Presentation form (one trailing dot allowed, \X and \DDD escapes) to
 * uncompressed wire form; wire holds DNS_WIRE_NAME_MAX bytes.  false for
 * an empty label, a label over 63 bytes, a name over 255 bytes or a bad
 * escape.  "" and "." are the root. */
bool dns_name_to_wire(const char *name, unsigned char *wire, size_t *wlen);
/* The canonical presentation form of name (escapes normalised, no
 * trailing dot), lower-cased (ASCII) when lower.  outsz at least
 * DNS_NAME_BUF.  false as for dns_name_to_wire(). */
bool dns_name_canon(const char *name, bool lower, char *out, size_t outsz);
/* Case-insensitive equality of two names in canonical presentation form
 * (as produced by this module). */
bool dns_name_eq(const char *a, const char *b);

/* Read one resource record at *off (owner, type, class, TTL, RDATA) and
 * move *off past it.  On failure rr is left empty. */
bool dns_rr_read(const unsigned char *pkt, size_t len, size_t *off,
                 struct dns_rr *rr);
/* Free what rr owns; rr itself is not freed. */
void dns_rr_fini(struct dns_rr *rr);
/* Deep copy of src into dst (dst is overwritten, not freed). */
void dns_rr_copy(struct dns_rr *dst, const struct dns_rr *src);

/* An empty answer (status DNS_ERROR, no records) for qname/qtype; qname
 * is stored as given minus one trailing dot.  Caller frees with
 * dns_answer_free(). */
struct dns_answer *dns_answer_new(const char *qname, uint16_t qtype);
/* Append a zeroed record slot; the pointer is valid until the next add. */
struct dns_rr *dns_answer_add(struct dns_answer *a);
/* Set canon by following the CNAMEs in the records (loop-safe) and the
 * status from rcode: NOERROR gives DNS_CNAME_LOOP when the CNAMEs loop,
 * else DNS_OK when there are records of qtype at canon and DNS_NODATA
 * otherwise; 3 NXDOMAIN, 2 SERVFAIL, 5 REFUSED, others DNS_ERROR. */
void dns_answer_finish(struct dns_answer *a, unsigned rcode);
void dns_answer_free(struct dns_answer *a);

/* A query packet for name/type, class IN, RD and AD set, with an EDNS0 OPT
 * record announcing edns_size (0: no OPT).  buf holds at least
 * DNS_QUERY_MAX bytes.  false for a bad name. */
#define DNS_QUERY_MAX (12 + DNS_WIRE_NAME_MAX + 4 + 11)
bool dns_build_query(const char *name, uint16_t type, uint16_t edns_size,
                     unsigned char *buf, size_t *len);

#endif
