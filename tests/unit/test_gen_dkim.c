/* test_gen_dkim.c - DKIM key pairs: each key verifies against the key
 * parsed back from its own printed record; key files are 0600, made with
 * O_EXCL, never overwritten, and removed after a failed write. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "mailready/dkim.h"
#include "mailready/dns.h"
#include "mailready/gen.h"
#include "mailready/gen_dkim.h"
#include "mailready/util.h"

/* The TXT data of a master-file line: every quoted string, unescaped and
 * joined, as a resolver would hand it over.  Each string must be at most
 * 255 bytes. */
static char *
txt_of_line(const char *line)
{
    const char *p = strstr(line, " IN TXT ");
    char *out = xmalloc(strlen(line) + 1);
    size_t n = 0;

    assert_non_null(p);
    p += strlen(" IN TXT ");
    while (*p != '\0') {
        size_t chunk = 0;

        while (*p == ' ')
            p++;
        if (*p == '\0')
            break;
        assert_int_equal(*p, '"');
        p++;
        while (*p != '"') {
            assert_true(*p != '\0');
            if (*p == '\\') {
                p++;
                if (p[0] >= '0' && p[0] <= '9') {
                    out[n++] = (char)((p[0] - '0') * 100 +
                                      (p[1] - '0') * 10 + (p[2] - '0'));
                    p += 3;
                    chunk++;
                    continue;
                }
            }
            out[n++] = *p++;
            chunk++;
        }
        assert_true(chunk <= 255);
        p++;
    }
    out[n] = '\0';
    return out;
}

/* Parse the public key out of a DKIM record's text (tag p=, k=). */
static EVP_PKEY *
pubkey_of_record(const char *txt)
{
    const char *k = strstr(txt, "k=");
    const char *p = strstr(txt, "p=");
    unsigned char der[1024];
    EVP_PKEY *pkey = NULL;
    size_t plen;
    int n;

    assert_non_null(k);
    assert_non_null(p);
    p += 2;
    plen = strcspn(p, "; ");
    assert_true(plen < 4 * sizeof(der) / 3);
    n = EVP_DecodeBlock(der, (const unsigned char *)p, (int)plen);
    assert_true(n > 0);
    /* EVP_DecodeBlock counts the '=' padding as zero bytes. */
    if (plen >= 1 && p[plen - 1] == '=')
        n--;
    if (plen >= 2 && p[plen - 2] == '=')
        n--;
    if (strncmp(k + 2, "ed25519", 7) == 0) {
        assert_int_equal(n, 32);
        pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, der, 32);
    } else {
        const unsigned char *q = der;

        assert_int_equal(strncmp(k + 2, "rsa", 3), 0);
        pkey = d2i_PUBKEY(NULL, &q, n);
    }
    assert_non_null(pkey);
    return pkey;
}

/* Sign a hash the way DKIM does (rsa-sha256: RSASSA-PKCS1-v1_5 over
 * SHA-256; ed25519-sha256: PureEdDSA over the SHA-256 digest) with the
 * PEM private key, verify with pub. */
static bool
sign_verify(const char *pem, EVP_PKEY *pub, bool ed)
{
    static const char data[] = "from:a@example.com\r\nsubject:hi\r\n";
    unsigned char hash[32], sig[1024];
    size_t siglen = sizeof(sig);
    unsigned int hlen = 0;
    BIO *bio = BIO_new_mem_buf(pem, -1);
    EVP_PKEY *priv = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    bool ok = false;

    assert_non_null(priv);
    assert_int_equal(EVP_Digest(data, sizeof(data) - 1, hash, &hlen,
                                EVP_sha256(), NULL), 1);
    if (ed) {
        assert_int_equal(EVP_DigestSignInit(ctx, NULL, NULL, NULL, priv), 1);
        assert_int_equal(EVP_DigestSign(ctx, sig, &siglen, hash, hlen), 1);
        EVP_MD_CTX_reset(ctx);
        ok = EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, pub) == 1 &&
             EVP_DigestVerify(ctx, sig, siglen, hash, hlen) == 1;
    } else {
        assert_int_equal(EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL,
                                            priv), 1);
        assert_int_equal(EVP_DigestSign(ctx, sig, &siglen,
                                        (const unsigned char *)data,
                                        sizeof(data) - 1), 1);
        EVP_MD_CTX_reset(ctx);
        ok = EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, pub) == 1 &&
             EVP_DigestVerify(ctx, sig, siglen, (const unsigned char *)data,
                              sizeof(data) - 1) == 1;
    }
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(priv);
    BIO_free(bio);
    return ok;
}

/* Generate, print the record as the CLI does (BIND line), parse it back,
 * sign and verify; a different key must not verify. */
static void
roundtrip(enum gen_dkim_type type, unsigned bits)
{
    struct gen_dkim_key *k = NULL, *other = NULL;
    struct gen_rr rr;
    char *rec, *line, *txt;
    EVP_PKEY *pub;
    bool ed = type == GEN_DKIM_ED25519;

    assert_int_equal(gen_dkim_keypair(type, bits, &k), RC_OK);
    assert_non_null(k);
    assert_non_null(strstr(k->pem, "-----BEGIN PRIVATE KEY-----"));
    rec = gen_dkim_record(k);
    assert_int_equal(strncmp(rec, "v=DKIM1; ", 9), 0);
    rr.owner = gen_dkim_record_name("example.com", "s1");
    rr.type = DNS_T_TXT;
    rr.rdata = rec;
    rr.note = NULL;
    line = gen_rr_format(&rr, 3600);
    assert_int_equal(strncmp(line, "s1._domainkey.example.com. 3600 IN TXT",
                             38), 0);
    txt = txt_of_line(line);
    assert_string_equal(txt, rec);
    /* The DKIM check's own parser reads the record as published. */
    struct dkim_key_record *kr = NULL;
    struct dkim_key_info info;
    struct dkim_error derr;
    memset(&derr, 0, sizeof(derr));
    assert_int_equal(dkim_key_record_parse(txt, strlen(txt), &kr, &derr),
                     RC_OK);
    assert_int_equal(kr->type, ed ? DKIM_KEY_ED25519 : DKIM_KEY_RSA);
    assert_string_equal(kr->p, k->p);
    dkim_key_decode(kr->type, kr->p, &info);
    assert_int_equal(info.problem, DKIM_KEY_OK);
    assert_int_equal(info.form, ed ? DKIM_FORM_RAW : DKIM_FORM_SPKI);
    assert_int_equal(info.bits, ed ? 256 : bits);
    dkim_key_record_free(kr);
    dkim_error_fini(&derr);
    pub = pubkey_of_record(txt);
    if (!ed)
        assert_int_equal(EVP_PKEY_get_bits(pub), (int)bits);
    assert_true(sign_verify(k->pem, pub, ed));
    assert_int_equal(gen_dkim_keypair(type, type == GEN_DKIM_RSA ? 1024 : 0,
                                      &other), RC_OK);
    assert_false(sign_verify(other->pem, pub, ed));
    EVP_PKEY_free(pub);
    free(txt);
    free(line);
    free(rr.owner);
    free(rec);
    gen_dkim_key_free(other);
    gen_dkim_key_free(k);
}

static void
gen_dkim__rsa1024__verifies(void **state)
{
    (void)state;
    roundtrip(GEN_DKIM_RSA, 1024);
}

static void
gen_dkim__rsa2048__verifies_and_splits(void **state)
{
    struct gen_dkim_key *k = NULL;
    struct gen_rr rr = { (char *)"s._domainkey.example.com", DNS_T_TXT,
                         NULL, NULL };
    char *line;

    (void)state;
    roundtrip(GEN_DKIM_RSA, 2048);
    /* The 2048-bit value is over 255 bytes: two strings. */
    assert_int_equal(gen_dkim_keypair(GEN_DKIM_RSA, 0, &k), RC_OK);
    assert_int_equal(k->bits, 2048);
    rr.rdata = gen_dkim_record(k);
    assert_true(strlen(rr.rdata) > 255);
    line = gen_rr_format(&rr, 0);
    assert_non_null(strstr(line, "\" \""));
    free(line);
    free(rr.rdata);
    gen_dkim_key_free(k);
}

static void
gen_dkim__rsa4096__verifies(void **state)
{
    (void)state;
    roundtrip(GEN_DKIM_RSA, 4096);
}

static void
gen_dkim__ed25519__verifies_raw_32_bytes(void **state)
{
    struct gen_dkim_key *k = NULL;

    (void)state;
    roundtrip(GEN_DKIM_ED25519, 0);
    assert_int_equal(gen_dkim_keypair(GEN_DKIM_ED25519, 0, &k), RC_OK);
    /* 32 bytes are 44 base64 characters (RFC 8463 §4.2 example). */
    assert_int_equal(strlen(k->p), 44);
    gen_dkim_key_free(k);
}

static void
gen_dkim__bad_sizes__refused(void **state)
{
    struct gen_dkim_key *k = NULL;

    (void)state;
    assert_int_equal(gen_dkim_keypair(GEN_DKIM_RSA, 512, &k), RC_INVALID);
    assert_null(k);
    assert_int_equal(gen_dkim_keypair(GEN_DKIM_RSA, 2000, &k), RC_INVALID);
    assert_int_equal(gen_dkim_keypair(GEN_DKIM_ED25519, 2048, &k),
                     RC_INVALID);
    assert_null(k);
}

static void
gen_dkim__selector__validated(void **state)
{
    (void)state;
    assert_true(gen_dkim_selector_ok("s1"));
    assert_true(gen_dkim_selector_ok("2026-11.mail"));
    assert_false(gen_dkim_selector_ok(""));
    assert_false(gen_dkim_selector_ok("../x"));
    assert_false(gen_dkim_selector_ok("a/b"));
    assert_false(gen_dkim_selector_ok("a..b"));
    assert_false(gen_dkim_selector_ok("-a"));
    assert_false(gen_dkim_selector_ok("a_b"));
    assert_false(gen_dkim_selector_ok("a b"));
}

static char *
tmpdir(void)
{
    char tmpl[] = "/tmp/test_gen_dkim.XXXXXX";

    assert_non_null(mkdtemp(tmpl));
    return xstrdup(tmpl);
}

static void
rm_rf(const char *dir)
{
    char *cmd = xasprintf("rm -rf '%s'", dir);

    assert_int_equal(system(cmd), 0);
    free(cmd);
}

static void
gen_dkim__key_file__0600_dir_0700_no_overwrite(void **state)
{
    struct gen_dkim_key *k = NULL;
    char *top = tmpdir(), *dir, *path, *failed = NULL;
    struct stat st;
    int err;
    mode_t old = umask(0);

    (void)state;
    dir = xasprintf("%s/a/b/example.com", top);
    assert_int_equal(gen_dkim_mkdir(dir, &err, &failed), RC_OK);
    umask(old);
    assert_int_equal(stat(dir, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0700);
    /* Existing directories are fine (mkdir -p). */
    assert_int_equal(gen_dkim_mkdir(dir, &err, &failed), RC_OK);
    assert_int_equal(gen_dkim_keypair(GEN_DKIM_ED25519, 0, &k), RC_OK);
    path = gen_dkim_key_path(dir, "s1");
    assert_non_null(strstr(path, "/example.com/s1.private"));
    assert_int_equal(gen_dkim_write_key(k, path, &err), RC_OK);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    assert_int_equal((size_t)st.st_size, k->pem_len);
    /* A second write must not replace the first key. */
    assert_int_equal(gen_dkim_write_key(k, path, &err), RC_EXISTS);
    assert_int_equal(err, EEXIST);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal((size_t)st.st_size, k->pem_len);
    free(path);
    /* Nor follow a symlink planted at the key's name. */
    path = gen_dkim_key_path(dir, "s2");
    char *target = xasprintf("%s/target", top);
    assert_int_equal(symlink(target, path), 0);
    assert_int_not_equal(gen_dkim_write_key(k, path, &err), RC_OK);
    assert_int_equal(access(target, F_OK), -1);
    free(target);
    free(path);
    /* A file in the way of a directory. */
    path = xasprintf("%s/a/b/example.com/s1.private/x", top);
    assert_int_equal(gen_dkim_mkdir(path, &err, &failed), RC_IO);
    assert_int_equal(err, ENOTDIR);
    assert_non_null(failed);
    free(failed);
    free(path);
    gen_dkim_key_free(k);
    free(dir);
    rm_rf(top);
    free(top);
}

static void
gen_dkim__write_error__removes_partial_file(void **state)
{
    char *top = tmpdir(), *path = xasprintf("%s/s.private", top);
    pid_t pid;
    int status;

    (void)state;
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* A file size limit below the key's size makes write() fail with
         * EFBIG part way. */
        struct rlimit rl = { 100, 100 };
        struct gen_dkim_key *k = NULL;
        int err = 0;

        signal(SIGXFSZ, SIG_IGN);
        if (setrlimit(RLIMIT_FSIZE, &rl) != 0 ||
            gen_dkim_keypair(GEN_DKIM_RSA, 1024, &k) != RC_OK)
            _exit(10);
        if (gen_dkim_write_key(k, path, &err) != RC_IO)
            _exit(11);
        if (err != EFBIG)
            _exit(12);
        _exit(access(path, F_OK) == 0 ? 13 : 0);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    free(path);
    rm_rf(top);
    free(top);
}

static void
gen_dkim__default_dir__follows_xdg(void **state)
{
    char *dir = NULL;

    (void)state;
    setenv("XDG_DATA_HOME", "/srv/data", 1);
    assert_int_equal(gen_dkim_default_dir("example.com", &dir), RC_OK);
    assert_string_equal(dir, "/srv/data/mailready/keys/example.com");
    free(dir);
    setenv("XDG_DATA_HOME", "relative/ignored", 1);
    setenv("HOME", "/home/ana", 1);
    assert_int_equal(gen_dkim_default_dir("example.com", &dir), RC_OK);
    assert_string_equal(dir,
                        "/home/ana/.local/share/mailready/keys/example.com");
    free(dir);
    unsetenv("XDG_DATA_HOME");
    unsetenv("HOME");
    assert_int_equal(gen_dkim_default_dir("example.com", &dir),
                     RC_NOTFOUND);
    assert_null(dir);
}

static void
gen_dkim__signer_config__names_key_and_selector(void **state)
{
    char *kt, *st, *rs;

    (void)state;
    kt = gen_dkim_opendkim_keytable("example.com", "s1", "/k/s1.private");
    assert_string_equal(kt, "s1._domainkey.example.com "
                            "example.com:s1:/k/s1.private");
    st = gen_dkim_opendkim_signingtable("example.com", "s1");
    assert_string_equal(st, "*@example.com s1._domainkey.example.com");
    rs = gen_dkim_rspamd("example.com", "s1", "/k/s1.private");
    assert_non_null(strstr(rs, "  example.com {\n"));
    assert_non_null(strstr(rs, "path = \"/k/s1.private\";"));
    assert_non_null(strstr(rs, "selector = \"s1\";"));
    free(kt);
    free(st);
    free(rs);
}

static void
gen_dkim__signer_key_path__where_debian_reads_it(void **state)
{
    char *o, *r;

    (void)state;
    o = gen_dkim_signer_key_path(GEN_DKIM_OPENDKIM, "example.com", "s1");
    r = gen_dkim_signer_key_path(GEN_DKIM_RSPAMD, "example.com", "s1");
    assert_string_equal(o, "/etc/opendkim/keys/example.com/s1.private");
    assert_string_equal(r, "/var/lib/rspamd/dkim/example.com.s1.key");
    assert_string_equal(gen_dkim_signer_user(GEN_DKIM_OPENDKIM), "opendkim");
    assert_string_equal(gen_dkim_signer_user(GEN_DKIM_RSPAMD), "_rspamd");
    free(o);
    free(r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gen_dkim__rsa1024__verifies),
        cmocka_unit_test(gen_dkim__rsa2048__verifies_and_splits),
        cmocka_unit_test(gen_dkim__rsa4096__verifies),
        cmocka_unit_test(gen_dkim__ed25519__verifies_raw_32_bytes),
        cmocka_unit_test(gen_dkim__bad_sizes__refused),
        cmocka_unit_test(gen_dkim__selector__validated),
        cmocka_unit_test(gen_dkim__key_file__0600_dir_0700_no_overwrite),
        cmocka_unit_test(gen_dkim__write_error__removes_partial_file),
        cmocka_unit_test(gen_dkim__default_dir__follows_xdg),
        cmocka_unit_test(gen_dkim__signer_config__names_key_and_selector),
        cmocka_unit_test(gen_dkim__signer_key_path__where_debian_reads_it),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
