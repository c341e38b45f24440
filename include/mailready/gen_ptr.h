/* gen_ptr.h - what to ask for when the reverse DNS (PTR) of a sending
 * address must change.  Nobody can publish the PTR in their own zone: the
 * owner of the address block (the ISP or cloud provider) does.  This
 * module returns the pieces of the request; the frontend writes the
 * prose with a translated template (core never translates). */
#ifndef MAILREADY_GEN_PTR_H
#define MAILREADY_GEN_PTR_H

#include <stdbool.h>

#include "mailready/rc.h"

struct gen_ptr_request {
    char *address;      /* canonical text of the address */
    bool ipv6;
    char *reverse;      /* "4.3.2.1.in-addr.arpa" / ip6.arpa nibbles */
    char *hostname;     /* the name the PTR must return (no dot) */
    char *zone;         /* the reverse zone holding the PTR, if known
                         * (from its SOA), else NULL */
    char *contact;      /* the SOA RNAME as an address (first '.' turned
                         * into '@', "\." unescaped), if known, else NULL */
    char *nameserver;   /* the SOA MNAME, if known, else NULL */
};

/* Build the request for address (literal IPv4/IPv6) and hostname.  The
 * address must be global (RC_INVALID with *why otherwise, an N_() reason
 * with one %s: the address) and hostname a valid host name.  *out: caller
 * frees with gen_ptr_request_free(). */
enum rc gen_ptr_request_new(const char *address, const char *hostname,
                            struct gen_ptr_request **out,
                            const char **why);
/* Record who runs the reverse zone, from its SOA (zone, MNAME, RNAME in
 * presentation form).  Any may be NULL. */
void gen_ptr_request_set_soa(struct gen_ptr_request *r, const char *zone,
                             const char *mname, const char *rname);
void gen_ptr_request_free(struct gen_ptr_request *r);

/* The SOA RNAME "hostmaster.example.net" as "hostmaster@example.net"
 * ("john\.doe.example.net" -> "john.doe@example.net").  NULL if it has no
 * domain part.  Caller frees. */
char *gen_ptr_rname_to_email(const char *rname);

#endif
