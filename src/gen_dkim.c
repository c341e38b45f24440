/* gen_dkim.c - DKIM key pairs with OpenSSL 3 (EVP only), the DNS record
 * that publishes the public key, and the key file on disk. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "mailready/file.h"
#include "mailready/gen_dkim.h"
#include "mailready/strbuf.h"
#include "mailready/util.h"

bool
gen_dkim_type_parse(const char *s, enum gen_dkim_type *out)
{
    if (str_ieq(s, "rsa")) {
        *out = GEN_DKIM_RSA;
        return true;
    }
    if (str_ieq(s, "ed25519")) {
        *out = GEN_DKIM_ED25519;
        return true;
    }
    return false;
}

const char *
gen_dkim_type_name(enum gen_dkim_type type)
{
    return type == GEN_DKIM_ED25519 ? "ed25519" : "rsa";
}

bool
gen_dkim_bits_ok(unsigned bits)
{
    return bits == 1024 || bits == 2048 || bits == 3072 || bits == 4096;
}

/* Base64 without line breaks.  Caller frees. */
static char *
b64(const unsigned char *data, size_t len)
{
    size_t cap = 4 * ((len + 2) / 3) + 1;
    char *out = xmalloc(cap);

    EVP_EncodeBlock((unsigned char *)out, data, (int)len);
    return out;
}

/* The PKCS#8 PEM of pkey in a fresh NUL-terminated buffer. */
static enum rc
pem_of(EVP_PKEY *pkey, char **pem, size_t *pem_len)
{
    BIO *bio = BIO_new(BIO_s_mem());
    char *data = NULL;
    long n;
    enum rc rc = RC_CRYPTO;

    if (bio == NULL)
        return RC_CRYPTO;
    if (PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL,
                                 NULL) != 1)
        goto out;
    n = BIO_get_mem_data(bio, &data);
    if (n <= 0 || data == NULL)
        goto out;
    *pem = xmalloc((size_t)n + 1);
    memcpy(*pem, data, (size_t)n);
    (*pem)[n] = '\0';
    *pem_len = (size_t)n;
    OPENSSL_cleanse(data, (size_t)n);
    rc = RC_OK;
out:
    BIO_free(bio);
    return rc;
}

static enum rc
public_p(EVP_PKEY *pkey, enum gen_dkim_type type, char **p)
{
    if (type == GEN_DKIM_ED25519) {
        unsigned char raw[32];
        size_t len = sizeof(raw);

        if (EVP_PKEY_get_raw_public_key(pkey, raw, &len) != 1 || len != 32)
            return RC_CRYPTO;
        *p = b64(raw, len);
        return RC_OK;
    }
    unsigned char *der = NULL;
    int n = i2d_PUBKEY(pkey, &der);

    if (n <= 0)
        return RC_CRYPTO;
    *p = b64(der, (size_t)n);
    OPENSSL_free(der);
    return RC_OK;
}

enum rc
gen_dkim_keypair(enum gen_dkim_type type, unsigned bits,
                 struct gen_dkim_key **out)
{
    EVP_PKEY *pkey = NULL;
    struct gen_dkim_key *k;
    enum rc rc;

    *out = NULL;
    if (type == GEN_DKIM_RSA) {
        if (bits == 0)
            bits = GEN_DKIM_RSA_DEFAULT_BITS;
        if (!gen_dkim_bits_ok(bits))
            return RC_INVALID;
        pkey = EVP_RSA_gen(bits);
    } else if (type == GEN_DKIM_ED25519) {
        if (bits != 0 && bits != 256)
            return RC_INVALID;
        bits = 256;
        pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    } else {
        return RC_INVALID;
    }
    if (pkey == NULL)
        return RC_CRYPTO;
    k = xcalloc(1, sizeof(*k));
    k->type = type;
    k->bits = bits;
    rc = pem_of(pkey, &k->pem, &k->pem_len);
    if (rc == RC_OK)
        rc = public_p(pkey, type, &k->p);
    EVP_PKEY_free(pkey);
    if (rc != RC_OK) {
        gen_dkim_key_free(k);
        return rc;
    }
    *out = k;
    return RC_OK;
}

enum rc
gen_dkim_key_load(const char *path, struct gen_dkim_key **out)
{
    unsigned char buf[65536];
    size_t len = 0;
    ssize_t n;
    BIO *bio = NULL;
    EVP_PKEY *pkey = NULL;
    struct gen_dkim_key *k = NULL;
    enum rc rc;
    int fd;

    *out = NULL;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return RC_IO;
    while (len < sizeof(buf)) {
        n = read(fd, buf + len, sizeof(buf) - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    close(fd);
    if (len == 0 || len == sizeof(buf)) {
        rc = len == 0 ? RC_PARSE : RC_TOOLONG;
        goto out;
    }
    bio = BIO_new_mem_buf(buf, (int)len);
    if (bio == NULL) {
        rc = RC_CRYPTO;
        goto out;
    }
    pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
    if (pkey == NULL) {
        rc = RC_PARSE;
        goto out;
    }
    k = xcalloc(1, sizeof(*k));
    if (EVP_PKEY_is_a(pkey, "RSA")) {
        k->type = GEN_DKIM_RSA;
        k->bits = (unsigned)EVP_PKEY_get_bits(pkey);
    } else if (EVP_PKEY_is_a(pkey, "ED25519")) {
        k->type = GEN_DKIM_ED25519;
        k->bits = 256;
    } else {
        rc = RC_UNSUPPORTED;
        goto out;
    }
    rc = public_p(pkey, k->type, &k->p);
    if (rc == RC_OK) {
        *out = k;
        k = NULL;
    }
out:
    gen_dkim_key_free(k);
    EVP_PKEY_free(pkey);
    BIO_free(bio);
    OPENSSL_cleanse(buf, sizeof(buf));
    return rc;
}

void
gen_dkim_key_free(struct gen_dkim_key *k)
{
    if (k == NULL)
        return;
    if (k->pem != NULL) {
        OPENSSL_cleanse(k->pem, k->pem_len);
        free(k->pem);
    }
    free(k->p);
    free(k);
}

bool
gen_dkim_selector_ok(const char *sel)
{
    size_t len = strnlen(sel, 64), lab = 0;

    if (len == 0 || len > 63)
        return false;
    for (size_t i = 0; i <= len; i++) {
        char c = sel[i];

        if (c == '.' || c == '\0') {
            if (lab == 0 || sel[i - 1] == '-' || sel[i - lab] == '-')
                return false;
            lab = 0;
            continue;
        }
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '-'))
            return false;
        lab++;
    }
    return true;
}

char *
gen_dkim_record(const struct gen_dkim_key *k)
{
    return xasprintf("v=DKIM1; k=%s; p=%s", gen_dkim_type_name(k->type),
                     k->p);
}

char *
gen_dkim_record_name(const char *domain, const char *selector)
{
    return xasprintf("%s._domainkey.%s", selector, domain);
}

enum rc
gen_dkim_default_dir(const char *domain, char **out)
{
    const char *xdg = getenv("XDG_DATA_HOME");
    const char *home = getenv("HOME");

    *out = NULL;
    if (xdg != NULL && xdg[0] == '/') {
        *out = xasprintf("%s/mailready/keys/%s", xdg, domain);
        return RC_OK;
    }
    if (home != NULL && home[0] == '/') {
        *out = xasprintf("%s/.local/share/mailready/keys/%s", home, domain);
        return RC_OK;
    }
    return RC_NOTFOUND;
}

enum rc
gen_dkim_mkdir(const char *dir, int *err, char **failed)
{
    struct rc_err e = { 0 };
    enum rc rc = file_mkdir_p(dir, 0700, &e);

    *err = rc == RC_OK ? 0 : e.errnum;
    *failed = rc == RC_OK || e.nargs < 1 ? NULL : xstrdup(e.args[0]);
    rc_err_fini(&e);
    return rc;
}

char *
gen_dkim_key_path(const char *dir, const char *selector)
{
    size_t len = strlen(dir);

    if (len > 0 && dir[len - 1] == '/')
        return xasprintf("%s%s.private", dir, selector);
    return xasprintf("%s/%s.private", dir, selector);
}

enum rc
gen_dkim_write_key(const struct gen_dkim_key *k, const char *path, int *err)
{
    struct rc_err e = { 0 };
    enum rc rc = file_write_new(path, k->pem, k->pem_len, 0600, &e);

    *err = rc == RC_OK ? 0 : e.errnum;
    rc_err_fini(&e);
    return rc;
}

char *
gen_dkim_opendkim_keytable(const char *domain, const char *selector,
                           const char *key_path)
{
    return xasprintf("%s._domainkey.%s %s:%s:%s", selector, domain, domain,
                     selector, key_path);
}

char *
gen_dkim_opendkim_signingtable(const char *domain, const char *selector)
{
    return xasprintf("*@%s %s._domainkey.%s", domain, selector, domain);
}

char *
gen_dkim_rspamd(const char *domain, const char *selector,
                const char *key_path)
{
    struct strbuf sb = STRBUF_INIT;

    strbuf_adds(&sb, "domain {\n");
    strbuf_addf(&sb, "  %s {\n", domain);
    strbuf_addf(&sb, "    path = \"%s\";\n", key_path);
    strbuf_addf(&sb, "    selector = \"%s\";\n", selector);
    strbuf_adds(&sb, "  }\n}\n");
    return strbuf_detach(&sb);
}

char *
gen_dkim_signer_key_path(enum gen_dkim_signer signer, const char *domain,
                         const char *selector)
{
    if (signer == GEN_DKIM_RSPAMD)
        return xasprintf("/var/lib/rspamd/dkim/%s.%s.key", domain, selector);
    return xasprintf("/etc/opendkim/keys/%s/%s.private", domain, selector);
}

const char *
gen_dkim_signer_user(enum gen_dkim_signer signer)
{
    return signer == GEN_DKIM_RSPAMD ? "_rspamd" : "opendkim";
}
