/* gen_dkim.h - DKIM key pairs (RFC 6376, Ed25519 per RFC 8463), the
 * record that publishes the public key, and the signer configuration that
 * uses the private key.  The only user of OpenSSL for key generation. */
#ifndef MAILREADY_GEN_DKIM_H
#define MAILREADY_GEN_DKIM_H

#include <stdbool.h>
#include <stddef.h>

#include "mailready/rc.h"

enum gen_dkim_type {
    GEN_DKIM_RSA,
    GEN_DKIM_ED25519
};

#define GEN_DKIM_RSA_DEFAULT_BITS 2048

struct gen_dkim_key {
    enum gen_dkim_type type;
    unsigned bits;          /* RSA modulus size; 256 for Ed25519 */
    char *pem;              /* private key, PKCS#8 PEM, NUL-terminated */
    size_t pem_len;
    char *p;                /* the p= value: base64 of the DER
                             * SubjectPublicKeyInfo (RSA) or of the raw
                             * 32-byte public key (Ed25519, RFC 8463) */
};

/* "rsa" -> GEN_DKIM_RSA, "ed25519" -> GEN_DKIM_ED25519; false if neither. */
bool gen_dkim_type_parse(const char *s, enum gen_dkim_type *out);
const char *gen_dkim_type_name(enum gen_dkim_type type);   /* "rsa" */
/* RSA sizes we make: 1024, 2048, 3072, 4096. */
bool gen_dkim_bits_ok(unsigned bits);

/* Make a key pair.  bits is the RSA size (0: 2048) and must be 0 for
 * Ed25519.  Returns RC_INVALID for a size we do not make, RC_CRYPTO if
 * OpenSSL fails.  *out: caller frees with gen_dkim_key_free(), which wipes
 * the private key. */
enum rc gen_dkim_keypair(enum gen_dkim_type type, unsigned bits,
                         struct gen_dkim_key **out);
void gen_dkim_key_free(struct gen_dkim_key *k);

/* Read the PEM private key in path (RSA or Ed25519, at most 64 KiB) and
 * fill type, bits and p from its public half; pem is left NULL (the
 * private key is not kept).  RC_IO if the file cannot be read,
 * RC_PARSE if it holds no private key, RC_UNSUPPORTED for another key
 * type.  *out: caller frees with gen_dkim_key_free(). */
enum rc gen_dkim_key_load(const char *path, struct gen_dkim_key **out);

/* true if sel is a valid selector (RFC 6376 §3.1: dot-separated labels
 * of letters, digits and '-', each 1..63) of at most 63 bytes in all; it
 * is also used as a file name, so nothing else is allowed. */
bool gen_dkim_selector_ok(const char *sel);

/* "v=DKIM1; k=rsa; p=..." (k=ed25519 for Ed25519).  Caller frees. */
char *gen_dkim_record(const struct gen_dkim_key *k);
/* "SELECTOR._domainkey.DOMAIN".  Caller frees. */
char *gen_dkim_record_name(const char *domain, const char *selector);

/* The default key directory: $XDG_DATA_HOME/mailready/keys/DOMAIN, with
 * XDG_DATA_HOME defaulting to $HOME/.local/share (XDG Base Directory
 * Specification; a relative XDG_DATA_HOME is ignored, as it says).
 * RC_NOTFOUND when neither is set.  *out: caller frees. */
enum rc gen_dkim_default_dir(const char *domain, char **out);

/* Create dir and its missing parents with mode 0700 exactly, whatever
 * the umask (file_mkdir_p(), mkdir -p).  Existing
 * directories are left as they are.  On failure *err is the errno and
 * *failed (caller frees) the path that could not be made. */
enum rc gen_dkim_mkdir(const char *dir, int *err, char **failed);

/* The key file's path: DIR/SELECTOR.private.  Caller frees. */
char *gen_dkim_key_path(const char *dir, const char *selector);

/* Write the private key to path, created with O_EXCL|O_NOFOLLOW and mode
 * 0600: an existing file (or symlink) is never replaced (RC_EXISTS).  The
 * file is written fully and fsync'd; on a write error the partial file is
 * removed (RC_IO).  *err gets the errno on failure. */
enum rc gen_dkim_write_key(const struct gen_dkim_key *k, const char *path,
                           int *err);

/* Signer configuration for the key at key_path (absolute path).
 * OpenDKIM KeyTable line: "S._domainkey.D D:S:PATH".
 * OpenDKIM SigningTable line (refile: form): "*@D S._domainkey.D".
 * rspamd local.d/dkim_signing.conf block.  Callers free the results. */
char *gen_dkim_opendkim_keytable(const char *domain, const char *selector,
                                 const char *key_path);
char *gen_dkim_opendkim_signingtable(const char *domain,
                                     const char *selector);
char *gen_dkim_rspamd(const char *domain, const char *selector,
                      const char *key_path);

/* Where each signer reads keys on Debian, for the key of selector at
 * domain (both already validated):
 *   GEN_DKIM_OPENDKIM  /etc/opendkim/keys/D/S.private  (user opendkim)
 *   GEN_DKIM_RSPAMD    /var/lib/rspamd/dkim/D.S.key    (user _rspamd)
 * Caller frees the path.  gen_dkim_signer_user() returns a static
 * string: the system user that must own the key file. */
enum gen_dkim_signer { GEN_DKIM_OPENDKIM, GEN_DKIM_RSPAMD };
char *gen_dkim_signer_key_path(enum gen_dkim_signer signer,
                               const char *domain, const char *selector);
const char *gen_dkim_signer_user(enum gen_dkim_signer signer);

#endif
