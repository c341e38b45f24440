/* test_dkim.c - DKIM tag-list parsing and key decoding.  Keys are made
 * here with OpenSSL at run time; no key material is stored. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "mailready/dkim.h"
#include "mailready/util.h"

static char *
b64(const unsigned char *der, size_t n)
{
    char *out = xmalloc(n / 3 * 4 + 8);

    EVP_EncodeBlock((unsigned char *)out, der, (int)n);
    return out;
}

static EVP_PKEY *
rsa_key(unsigned bits)
{
    EVP_PKEY *k = EVP_RSA_gen(bits);

    assert_non_null(k);
    return k;
}

static EVP_PKEY *
ed_key(void)
{
    EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");

    assert_non_null(k);
    return k;
}

/* p= of a key as SubjectPublicKeyInfo. */
static char *
spki_b64(EVP_PKEY *k)
{
    unsigned char *der = NULL;
    int n = i2d_PUBKEY(k, &der);
    char *s;

    assert_true(n > 0);
    s = b64(der, (size_t)n);
    OPENSSL_free(der);
    return s;
}

static void
tags__basic_and_folding__parsed(void **state)
{
    static const char rec[] = " v = DKIM1 ;k=rsa;\r\n\t p=AB CD\r\n EF ; ";
    struct dkim_tags t;
    struct dkim_error e = { NULL, NULL };

    (void)state;
    assert_int_equal(dkim_tags_parse(rec, strlen(rec), &t, &e), RC_OK);
    assert_int_equal(t.n, 3);
    assert_string_equal(dkim_tags_get(&t, "v"), "DKIM1");
    assert_string_equal(dkim_tags_get(&t, "k"), "rsa");
    assert_string_equal(dkim_tags_get(&t, "p"), "AB CD\r\n EF");
    assert_null(dkim_tags_get(&t, "h"));
    dkim_tags_fini(&t);
}

static void
tags__duplicate__invalid(void **state)
{
    static const char rec[] = "p=abc; k=rsa; p=def";
    struct dkim_tags t;
    struct dkim_error e = { NULL, NULL };

    (void)state;
    assert_int_equal(dkim_tags_parse(rec, strlen(rec), &t, &e), RC_PARSE);
    assert_int_equal(t.n, 0);
    assert_non_null(strstr(e.msgid, "more than once"));
    assert_string_equal(e.detail, "p");
    dkim_error_fini(&e);
}

static void
tags__no_equals_or_bad_name__invalid(void **state)
{
    struct dkim_tags t;
    struct dkim_error e = { NULL, NULL };

    (void)state;
    assert_int_equal(dkim_tags_parse("v=DKIM1; rsa", 12, &t, &e), RC_PARSE);
    assert_non_null(strstr(e.msgid, "without"));
    assert_string_equal(e.detail, "rsa");
    dkim_error_fini(&e);
    assert_int_equal(dkim_tags_parse("1k=rsa", 6, &t, &e), RC_PARSE);
    assert_non_null(strstr(e.msgid, "invalid tag name"));
    dkim_error_fini(&e);
    assert_int_equal(dkim_tags_parse("k=r\001sa", 7, &t, &e), RC_PARSE);
    assert_non_null(strstr(e.msgid, "not allowed"));
    dkim_error_fini(&e);
}

static void
record__flags_and_defaults__parsed(void **state)
{
    static const char rec[] = "v=DKIM1; h=sha1; t=y:s; s=email; p=";
    struct dkim_key_record *r = NULL;
    struct dkim_error e = { NULL, NULL };

    (void)state;
    assert_int_equal(dkim_key_record_parse(rec, strlen(rec), &r, &e), RC_OK);
    assert_int_equal(r->type, DKIM_KEY_RSA);
    assert_string_equal(r->k, "rsa");
    assert_true(r->revoked);
    assert_true(r->testing);
    assert_true(r->strict);
    assert_false(r->sha256);
    assert_true(r->email);
    dkim_key_record_free(r);

    assert_int_equal(dkim_key_record_parse("k=ed25519; s=tls; p=AAAA", 24,
                                           &r, &e), RC_OK);
    assert_int_equal(r->type, DKIM_KEY_ED25519);
    assert_false(r->email);
    assert_false(r->revoked);
    assert_true(r->sha256);
    dkim_key_record_free(r);

    assert_int_equal(dkim_key_record_parse("k=dsa; p=AAAA", 13, &r, &e),
                     RC_OK);
    assert_int_equal(r->type, DKIM_KEY_OTHER);
    dkim_key_record_free(r);
}

static void
record__version_rules__enforced(void **state)
{
    struct dkim_key_record *r = NULL;
    struct dkim_error e = { NULL, NULL };

    (void)state;
    assert_int_equal(dkim_key_record_parse("p=AAAA; v=DKIM1", 15, &r, &e),
                     RC_PARSE);
    assert_null(r);
    assert_non_null(strstr(e.msgid, "first tag"));
    dkim_error_fini(&e);
    assert_int_equal(dkim_key_record_parse("v=DKIM2; p=AAAA", 15, &r, &e),
                     RC_PARSE);
    assert_string_equal(e.detail, "DKIM2");
    dkim_error_fini(&e);
    assert_int_equal(dkim_key_record_parse("v=DKIM1; k=rsa", 14, &r, &e),
                     RC_PARSE);
    assert_non_null(strstr(e.msgid, "no p="));
    dkim_error_fini(&e);
    assert_true(dkim_looks_like_key("v=DKIM1; k=rsa", 14));
    assert_true(dkim_looks_like_key("k=rsa; p=AB", 11));
    assert_false(dkim_looks_like_key("google-site-verification=x", 26));
}

static void
base64__valid_and_invalid(void **state)
{
    unsigned char *out;
    size_t n;

    (void)state;
    assert_true(dkim_base64_decode("aGVs bG8=", &out, &n));
    assert_int_equal(n, 5);
    assert_memory_equal(out, "hello", 5);
    free(out);
    assert_false(dkim_base64_decode("aGVsbG8", &out, &n));  /* no pad */
    assert_int_equal(n, 5);
    free(out);
    assert_false(dkim_base64_decode("aGV*bG8=", &out, &n));
    free(out);
    assert_false(dkim_base64_decode("aGVsbG8=A", &out, &n));
    free(out);
}

static void
decode__rsa_spki_2048__ok(void **state)
{
    EVP_PKEY *k = rsa_key(2048);
    char *p = spki_b64(k);
    struct dkim_key_info info;

    (void)state;
    dkim_key_decode(DKIM_KEY_RSA, p, &info);
    assert_int_equal(info.problem, DKIM_KEY_OK);
    assert_int_equal(info.form, DKIM_FORM_SPKI);
    assert_int_equal(info.bits, 2048);
    assert_int_equal(info.der_declared, info.decoded_len);
    free(p);
    EVP_PKEY_free(k);
}

static void
decode__rsa_bare_pkcs1_1024__ok(void **state)
{
    EVP_PKEY *k = rsa_key(1024);
    unsigned char *der = NULL;
    int n = i2d_PublicKey(k, &der);
    char *p;
    struct dkim_key_info info;

    (void)state;
    assert_true(n > 0);
    p = b64(der, (size_t)n);
    dkim_key_decode(DKIM_KEY_RSA, p, &info);
    assert_int_equal(info.problem, DKIM_KEY_OK);
    assert_int_equal(info.form, DKIM_FORM_RSAPUBLICKEY);
    assert_int_equal(info.bits, 1024);
    OPENSSL_free(der);
    free(p);
    EVP_PKEY_free(k);
}

static void
decode__rsa_cut_at_255__truncated(void **state)
{
    EVP_PKEY *k = rsa_key(2048);
    char *p = spki_b64(k);
    struct dkim_key_info info;

    (void)state;
    assert_true(strlen(p) > 255);
    p[255] = '\0';
    dkim_key_decode(DKIM_KEY_RSA, p, &info);
    assert_int_equal(info.problem, DKIM_KEY_TRUNCATED);
    assert_true(info.der_declared > info.decoded_len);
    assert_int_equal(info.der_declared, 294);
    free(p);
    EVP_PKEY_free(k);
}

static void
decode__garbage__not_a_key_or_bad_base64(void **state)
{
    struct dkim_key_info info;

    (void)state;
    /* "hello world!" in base64: no DER at all. */
    dkim_key_decode(DKIM_KEY_RSA, "aGVsbG8gd29ybGQh", &info);
    assert_int_equal(info.problem, DKIM_KEY_NOT_A_KEY);
    dkim_key_decode(DKIM_KEY_RSA, "MIIB$$$$", &info);
    assert_int_equal(info.problem, DKIM_KEY_BAD_BASE64);
    dkim_key_decode(DKIM_KEY_OTHER, "AAAA", &info);
    assert_int_equal(info.problem, DKIM_KEY_UNKNOWN_TYPE);
}

static void
decode__ed25519_raw__ok_and_spki_rejected(void **state)
{
    EVP_PKEY *k = ed_key();
    unsigned char raw[32];
    size_t rl = sizeof(raw);
    char *p, *spki;
    struct dkim_key_info info;

    (void)state;
    assert_int_equal(EVP_PKEY_get_raw_public_key(k, raw, &rl), 1);
    p = b64(raw, rl);
    dkim_key_decode(DKIM_KEY_ED25519, p, &info);
    assert_int_equal(info.problem, DKIM_KEY_OK);
    assert_int_equal(info.form, DKIM_FORM_RAW);
    spki = spki_b64(k);
    dkim_key_decode(DKIM_KEY_ED25519, spki, &info);
    assert_int_equal(info.problem, DKIM_KEY_ED25519_SIZE);
    dkim_key_decode(DKIM_KEY_RSA, spki, &info);
    assert_int_equal(info.problem, DKIM_KEY_WRONG_TYPE);
    free(p);
    free(spki);
    EVP_PKEY_free(k);
}

static char *
write_pem(EVP_PKEY *k)
{
    char *path = xstrdup("/tmp/test_dkim_XXXXXX");
    int fd = mkstemp(path);
    FILE *f;

    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    assert_non_null(f);
    assert_int_equal(PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL),
                     1);
    fclose(f);
    return path;
}

static void
compare__own_and_other_key(void **state)
{
    EVP_PKEY *k = rsa_key(1024), *other = rsa_key(1024), *ed = ed_key();
    char *path = write_pem(k), *edpath = write_pem(ed);
    char *p = spki_b64(k), *po = spki_b64(other);
    unsigned char raw[32];
    size_t rl = sizeof(raw);
    char *pe;
    bool match = false;

    (void)state;
    assert_int_equal(dkim_key_compare_file(path, DKIM_KEY_RSA, p, &match),
                     RC_OK);
    assert_true(match);
    assert_int_equal(dkim_key_compare_file(path, DKIM_KEY_RSA, po, &match),
                     RC_OK);
    assert_false(match);
    assert_int_equal(EVP_PKEY_get_raw_public_key(ed, raw, &rl), 1);
    pe = b64(raw, rl);
    assert_int_equal(dkim_key_compare_file(edpath, DKIM_KEY_ED25519, pe,
                                           &match), RC_OK);
    assert_true(match);
    assert_int_equal(dkim_key_compare_file(path, DKIM_KEY_ED25519, pe,
                                           &match), RC_OK);
    assert_false(match);
    assert_int_equal(dkim_key_compare_file("/nonexistent/key.pem",
                                           DKIM_KEY_RSA, p, &match), RC_IO);
    assert_int_equal(dkim_key_compare_file("/dev/null", DKIM_KEY_RSA, p,
                                           &match), RC_CRYPTO);
    unlink(path);
    unlink(edpath);
    free(path);
    free(edpath);
    free(p);
    free(po);
    free(pe);
    EVP_PKEY_free(k);
    EVP_PKEY_free(other);
    EVP_PKEY_free(ed);
}

/* Issue 17, rule 7: a key record is parsed to its full length; a NUL
 * inside a value or a tag name makes it invalid instead of cutting it. */
static void
record__nul_inside__invalid_not_cut(void **state)
{
    static const char a[] = "v=DKIM1; k=rsa; p=AAAA\0BBBB";
    static const char b[] = "v=DKIM1; k=rsa\0; p=AAAA";
    static const char c[] = "v=DKIM1; p=AAAA; t\0=y";
    struct dkim_key_record *r = NULL;
    struct dkim_error e = { 0 };

    (void)state;
    assert_int_equal(dkim_key_record_parse(a, sizeof(a) - 1, &r, &e),
                     RC_PARSE);
    assert_null(r);
    assert_non_null(strstr(e.msgid, "not allowed"));
    dkim_error_fini(&e);
    assert_int_equal(dkim_key_record_parse(b, sizeof(b) - 1, &r, &e),
                     RC_PARSE);
    assert_non_null(strstr(e.msgid, "not allowed"));
    dkim_error_fini(&e);
    assert_int_equal(dkim_key_record_parse(c, sizeof(c) - 1, &r, &e),
                     RC_PARSE);
    assert_non_null(strstr(e.msgid, "invalid tag name"));
    dkim_error_fini(&e);
    /* the same records cut at the NUL would have parsed */
    assert_int_equal(dkim_key_record_parse(a, strlen(a), &r, &e), RC_OK);
    dkim_key_record_free(r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tags__basic_and_folding__parsed),
        cmocka_unit_test(tags__duplicate__invalid),
        cmocka_unit_test(tags__no_equals_or_bad_name__invalid),
        cmocka_unit_test(record__flags_and_defaults__parsed),
        cmocka_unit_test(record__version_rules__enforced),
        cmocka_unit_test(record__nul_inside__invalid_not_cut),
        cmocka_unit_test(base64__valid_and_invalid),
        cmocka_unit_test(decode__rsa_spki_2048__ok),
        cmocka_unit_test(decode__rsa_bare_pkcs1_1024__ok),
        cmocka_unit_test(decode__rsa_cut_at_255__truncated),
        cmocka_unit_test(decode__garbage__not_a_key_or_bad_base64),
        cmocka_unit_test(decode__ed25519_raw__ok_and_spki_rejected),
        cmocka_unit_test(compare__own_and_other_key),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
