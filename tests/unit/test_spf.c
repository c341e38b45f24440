/* test_spf.c - the SPF parser and macro expansion (RFC 7208 §4.6, §5-7),
 * pure code without DNS. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "mailready/spf.h"
#include "mailready/util.h"

static struct spf_record *
parse_ok(const char *s)
{
    struct spf_record *r = NULL;
    struct spf_error e;

    if (spf_record_parse(s, strlen(s), &r, &e) != RC_OK)
        fail_msg("'%s' did not parse: %s at %zu", s, e.msgid, e.pos);
    spf_error_fini(&e);
    return r;
}

/* Assert that s fails to parse at byte offset pos with the term. */
static void
parse_bad(const char *s, size_t pos, const char *term)
{
    struct spf_record *r = NULL;
    struct spf_error e;

    if (spf_record_parse(s, strlen(s), &r, &e) != RC_PARSE)
        fail_msg("'%s' parsed", s);
    assert_null(r);
    assert_non_null(e.msgid);
    assert_int_equal(e.pos, pos);
    assert_string_equal(e.term, term);
    spf_error_fini(&e);
}

static void
spf__record_selection__version_rules(void **state)
{
    (void)state;
    assert_true(spf_is_record("v=spf1", 6));
    assert_true(spf_is_record("V=SpF1 -all", 11));
    assert_false(spf_is_record("v=spf10", 7));
    assert_false(spf_is_record("v=spf1mx", 8));   /* joined strings */
    assert_false(spf_is_record("v=spf2.0/pra", 12));
    assert_false(spf_is_record("", 0));
}

static void
spf__parse__every_mechanism_and_modifier(void **state)
{
    struct spf_record *r = parse_ok(
        "v=spf1 +all -include:_spf.example.com ~a ?a:mail.example.com/24 "
        "mx//64 MX:example.com/28//56 ptr ptr:example.net "
        "ip4:192.0.2.0/24 ip6:2001:db8::/32 exists:%{i}.bl.example.org "
        "redirect=other.example.com exp=explain.%{d} moo.cow-far_out=x:y");

    (void)state;
    assert_int_equal(r->nterms, 14);
    assert_int_equal(r->terms[0].mech, SPF_MECH_ALL);
    assert_int_equal(r->terms[0].qualifier, SPF_RES_PASS);
    assert_int_equal(r->terms[0].qual_char, '+');
    assert_int_equal(r->terms[1].mech, SPF_MECH_INCLUDE);
    assert_int_equal(r->terms[1].qualifier, SPF_RES_FAIL);
    assert_string_equal(r->terms[1].spec, "_spf.example.com");
    assert_int_equal(r->terms[2].mech, SPF_MECH_A);
    assert_int_equal(r->terms[2].qualifier, SPF_RES_SOFTFAIL);
    assert_null(r->terms[2].spec);
    assert_int_equal(r->terms[3].qualifier, SPF_RES_NEUTRAL);
    assert_string_equal(r->terms[3].spec, "mail.example.com");
    assert_int_equal(r->terms[3].cidr4, 24);
    assert_int_equal(r->terms[3].cidr6, -1);
    assert_int_equal(r->terms[4].mech, SPF_MECH_MX);
    assert_int_equal(r->terms[4].cidr4, -1);
    assert_int_equal(r->terms[4].cidr6, 64);
    assert_string_equal(r->terms[5].spec, "example.com");
    assert_int_equal(r->terms[5].cidr4, 28);
    assert_int_equal(r->terms[5].cidr6, 56);
    assert_int_equal(r->terms[6].mech, SPF_MECH_PTR);
    assert_string_equal(r->terms[7].spec, "example.net");
    assert_int_equal(r->terms[8].mech, SPF_MECH_IP4);
    assert_int_equal(r->terms[8].net.family, AF_INET);
    assert_int_equal(r->terms[8].net.a[0], 192);
    assert_int_equal(r->terms[8].cidr4, 24);
    assert_int_equal(r->terms[9].mech, SPF_MECH_IP6);
    assert_int_equal(r->terms[9].cidr6, 32);
    assert_int_equal(r->terms[10].mech, SPF_MECH_EXISTS);
    assert_int_equal(r->terms[11].type, SPF_TERM_REDIRECT);
    assert_int_equal(r->redirect, 11);
    assert_int_equal(r->terms[12].type, SPF_TERM_EXP);
    assert_int_equal(r->exp, 12);
    assert_int_equal(r->terms[13].type, SPF_TERM_MODIFIER);
    assert_string_equal(r->terms[13].name, "moo.cow-far_out");
    assert_true(r->has_all);
    /* include a a mx mx ptr ptr exists; the redirect is unused (all) */
    assert_int_equal(spf_record_lookup_terms(r), 8);
    assert_int_equal(r->terms[4].pos, 64);
    spf_record_free(r);
}

static void
spf__parse__spaces_and_empty(void **state)
{
    struct spf_record *r = parse_ok("v=spf1");

    (void)state;
    assert_int_equal(r->nterms, 0);
    assert_false(r->has_all);
    spf_record_free(r);
    r = parse_ok("v=spf1 a  -all ");
    assert_int_equal(r->nterms, 2);
    assert_int_equal(r->terms[1].pos, 10);
    spf_record_free(r);
    r = parse_ok("v=spf1 ip4:1.2.3.4 redirect=x.example.com");
    assert_int_equal(spf_record_lookup_terms(r), 1);
    spf_record_free(r);
}

static void
spf__parse__syntax_errors_with_position(void **state)
{
    (void)state;
    parse_bad("v=spf1 ip4:1.2.3.4 -all moo", 24, "moo");
    parse_bad("v=spf1 moo.cow/far_out=man:dog/cat", 7,
              "moo.cow/far_out=man:dog/cat");
    parse_bad("v=spf1 moo.cow:far_out=man:dog/cat", 7,
              "moo.cow:far_out=man:dog/cat");
    parse_bad("v=spf1 ip4:1.2.3.4 redirect:t2.example.com", 19,
              "redirect:t2.example.com");
    parse_bad("v=spf1 a:foo-bar -all", 7, "a:foo-bar");
    parse_bad("v=spf1 -all.", 7, "-all.");
    parse_bad("v=spf1 -all:foobar", 7, "-all:foobar");
    parse_bad("v=spf1 -all/8", 7, "-all/8");
    parse_bad("v=spf1 ptr/0 -all", 7, "ptr/0");
    parse_bad("v=spf1 ptr:", 7, "ptr:");
    parse_bad("v=spf1 a/33 -all", 7, "a/33");
    parse_bad("v=spf1 a//129 -all", 7, "a//129");
    parse_bad("v=spf1 a/24/64 -all", 7, "a/24/64");
    parse_bad("v=spf1 a:example.com:8080", 7, "a:example.com:8080");
    parse_bad("v=spf1 a:111.222.33.44", 7, "a:111.222.33.44");
    parse_bad("v=spf1 a:abc.123", 7, "a:abc.123");
    parse_bad("v=spf1 a:museum", 7, "a:museum");
    parse_bad("v=spf1 a:museum.", 7, "a:museum.");
    parse_bad("v=spf1 a:example.-com", 7, "a:example.-com");
    parse_bad("v=spf1 a:", 7, "a:");
    parse_bad("v=spf1 include +all", 7, "include");
    parse_bad("v=spf1 include: -all", 7, "include:");
    parse_bad("v=spf1 include:ip5.example.com/24 -all", 7,
              "include:ip5.example.com/24");
    parse_bad("v=spf1 exists", 7, "exists");
    parse_bad("v=spf1 exists:mail.example.com/24", 7,
              "exists:mail.example.com/24");
    parse_bad("v=spf1 ip4:1.2.3.4/33 -all", 7, "ip4:1.2.3.4/33");
    parse_bad("v=spf1 ip4:1.2.3.4/032 -all", 7, "ip4:1.2.3.4/032");
    parse_bad("v=spf1 ip4", 7, "ip4");
    parse_bad("v=spf1 ip4:1.2.3.4//32", 7, "ip4:1.2.3.4//32");
    parse_bad("v=spf1 ip4:1.2.3.4:8080", 7, "ip4:1.2.3.4:8080");
    parse_bad("v=spf1 ip4:1.2.3", 7, "ip4:1.2.3");
    parse_bad("v=spf1 ip4:01.2.3.4", 7, "ip4:01.2.3.4");
    parse_bad("v=spf1 -all ip6", 12, "ip6");
    parse_bad("v=spf1 ip6:::1.1.1.1/129", 7, "ip6:::1.1.1.1/129");
    parse_bad("v=spf1 ip6:::1.1.1.1//33", 7, "ip6:::1.1.1.1//33");
    parse_bad("v=spf1 ip6::CAFE::BABE", 7, "ip6::CAFE::BABE");
    parse_bad("v=spf1 1up=foo", 7, "1up=foo");
    parse_bad("v=spf1 =all", 7, "=all");
    parse_bad("v=spf1 -all foo=%abc", 12, "foo=%abc");
    parse_bad("v=spf1 exp= -all", 7, "exp=");
    parse_bad("v=spf1 exp=-all", 7, "exp=-all");
    parse_bad("v=spf1 redirect=-all ?all", 7, "redirect=-all");
    parse_bad("v=spf1 ?all redirect=", 12, "redirect=");
    parse_bad("v=spf1 exp=a.example.com -all exp=b.example.com", 30,
              "exp=b.example.com");
    parse_bad("v=spf1 redirect=a.example.com -all redirect=a.example.com",
              35, "redirect=a.example.com");
    parse_bad("v=spf1 -exists:%(ir).sbl.example.com ?all", 7,
              "-exists:%(ir).sbl.example.com");
    parse_bad("v=spf1 exists:foo%.sbl.example.com", 7,
              "exists:foo%.sbl.example.com");
    parse_bad("v=spf1 a:%{a}.example.com -all", 7, "a:%{a}.example.com");
    parse_bad("v=spf1 -all exp=%{r}.example.com", 12,
              "exp=%{r}.example.com");
    parse_bad("v=spf1 a:%{d0}.example.com", 7, "a:%{d0}.example.com");
    /* control characters and non-ASCII bytes */
    parse_bad("v=spf1 a:ctrl.example.com\rptr -all", 7,
              "a:ctrl.example.com\rptr");
    parse_bad("v=spf1 ip4:192.0.2.5\n include:x.example.com", 7,
              "ip4:192.0.2.5\n");
    parse_bad("v=spf1 a:example.net \x96" "all", 21, "\x96" "all");
    parse_bad("v=spf1 \x80" "a:example.net -all", 7,
              "\x80" "a:example.net");
}

static void
spf__parse__nul_byte_is_an_error(void **state)
{
    static const char s[] = "v=spf1 a:foo.example.com\0";
    struct spf_record *r = NULL;
    struct spf_error e;

    (void)state;
    assert_int_equal(spf_record_parse(s, sizeof(s) - 1, &r, &e), RC_PARSE);
    assert_int_equal(e.pos, 7);
    spf_error_fini(&e);
}

/* Issue 17, rule 7: the record is parsed to its full length, so a NUL in
 * the middle is a syntax error of the term that holds it (RFC 7208
 * §4.6), which keeps every byte of the term, the NUL and what follows. */
static void
spf__parse__nul_inside__term_kept_whole(void **state)
{
    static const char s[] = "v=spf1 ip4:1.2.3.4\0x -all";
    static const char t[] = "v=spf1 ip4:1.2.3.4 \0 -all";
    static const char u[] = "v=spf1 -all\0";
    struct spf_record *r = NULL;
    struct spf_error e;

    (void)state;
    assert_int_equal(spf_record_parse(s, sizeof(s) - 1, &r, &e), RC_PARSE);
    assert_null(r);
    assert_int_equal(e.pos, 7);
    assert_int_equal(e.term_len, 13);
    assert_memory_equal(e.term, "ip4:1.2.3.4\0x", 13);
    spf_error_fini(&e);
    /* a lone NUL between spaces is a term too */
    assert_int_equal(spf_record_parse(t, sizeof(t) - 1, &r, &e), RC_PARSE);
    assert_int_equal(e.pos, 19);
    assert_int_equal(e.term_len, 1);
    spf_error_fini(&e);
    /* after all: still the record's syntax, still an error */
    assert_int_equal(spf_record_parse(u, sizeof(u) - 1, &r, &e), RC_PARSE);
    assert_int_equal(e.term_len, 5);
    spf_error_fini(&e);
}

static void
spf__parse__grammar_corner_cases_accepted(void **state)
{
    static const char *const ok[] = {
        "v=spf1 a:foo:bar/baz.example.com",
        "v=spf1 a:foo.example.xn--zckzah -all",
        "v=spf1 a:mail.example...com -all",
        "v=spf1 a:%{H}.bar -all",
        "v=spf1 mx:example.com.",
        "v=spf1 a:macro%%percent%_%_space%-url-space.example.com -all",
        "v=spf1 redirect=%{d}.d.spf.example.com.",
        "v=spf1 exists:%{i}.%{l2r-}.user.%{d2}",
        "v=spf1 exists:%{l2r+-}.user.%{d2}",
        "v=spf1 default=+",
        "v=spf1 default=pass",
        "v=spf1 ip6:::FFFF:1.2.3.4 -ip4:1.2.3.4",
        "v=spf1 ip4:0.0.0.0/0 ip6:::/0",
        "v=spf1 A:EXAMPLE.COM/16//48 Include:x.example.com REDIRECT=y.ex.com",
    };

    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(ok); i++)
        spf_record_free(parse_ok(ok[i]));
}

static void
spf__domain_spec__syntax(void **state)
{
    (void)state;
    assert_true(spf_domain_spec_valid("example.com", 11));
    assert_true(spf_domain_spec_valid("example.com.", 12));
    assert_true(spf_domain_spec_valid("%{d}", 4));
    assert_true(spf_domain_spec_valid("x.1-2", 5));
    assert_false(spf_domain_spec_valid("x.-a", 4));
    assert_false(spf_domain_spec_valid("x.a-", 4));
    assert_false(spf_domain_spec_valid("x.12", 4));
    assert_false(spf_domain_spec_valid("", 0));
    assert_false(spf_domain_spec_valid("%{d}.", 5));
    assert_true(spf_macro_string_valid("The %{x}-files.", 15, true) ==
                false);
    assert_true(spf_macro_string_valid("%{c} at %{t} by %{r}", 20, true));
    assert_false(spf_macro_string_valid("%{c}", 4, false));
    assert_true(spf_macro_uses("exists:%{p}.x", 'p'));
    assert_true(spf_macro_uses("%{P2r}", 'p'));
    assert_false(spf_macro_uses("%%{p}", 'p'));
    assert_false(spf_macro_uses("p.example.com", 'p'));
}

static struct spf_macro_env
env_v4(void)
{
    struct spf_macro_env env;

    memset(&env, 0, sizeof(env));
    env.sender = "strong-bad@email.example.com";
    env.domain = "email.example.com";
    assert_true(net_parse("192.0.2.3", &env.ip));
    env.helo = "mx.example.org";
    env.validated = "mx.example.org";
    env.now = 1700000000;
    return env;
}

static void
expect_expand(const struct spf_macro_env *env, const char *in,
              const char *want, bool exp_text)
{
    char *out = NULL;

    if (spf_macro_expand(in, env, exp_text, &out) != RC_OK)
        fail_msg("'%s' did not expand", in);
    if (strcmp(out, want) != 0)
        fail_msg("'%s' gave '%s', want '%s'", in, out, want);
    free(out);
}

/* RFC 7208 §7.4, every example. */
static void
spf__macro__rfc7208_section_7_4_examples(void **state)
{
    struct spf_macro_env env = env_v4();

    (void)state;
    expect_expand(&env, "%{s}", "strong-bad@email.example.com", false);
    expect_expand(&env, "%{o}", "email.example.com", false);
    expect_expand(&env, "%{d}", "email.example.com", false);
    expect_expand(&env, "%{d4}", "email.example.com", false);
    expect_expand(&env, "%{d3}", "email.example.com", false);
    expect_expand(&env, "%{d2}", "example.com", false);
    expect_expand(&env, "%{d1}", "com", false);
    expect_expand(&env, "%{dr}", "com.example.email", false);
    expect_expand(&env, "%{d2r}", "example.email", false);
    expect_expand(&env, "%{l}", "strong-bad", false);
    expect_expand(&env, "%{l-}", "strong.bad", false);
    expect_expand(&env, "%{lr}", "strong-bad", false);
    expect_expand(&env, "%{lr-}", "bad.strong", false);
    expect_expand(&env, "%{l1r-}", "strong", false);
    expect_expand(&env, "%{ir}.%{v}._spf.%{d2}",
                  "3.2.0.192.in-addr._spf.example.com", false);
    expect_expand(&env, "%{lr-}.lp._spf.%{d2}",
                  "bad.strong.lp._spf.example.com", false);
    expect_expand(&env, "%{lr-}.lp.%{ir}.%{v}._spf.%{d2}",
                  "bad.strong.lp.3.2.0.192.in-addr._spf.example.com",
                  false);
    expect_expand(&env, "%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}",
                  "3.2.0.192.in-addr.strong.lp._spf.example.com", false);
    expect_expand(&env, "%{d2}.trusted-domains.example.net",
                  "example.com.trusted-domains.example.net", false);
    assert_true(net_parse("2001:db8::cb01", &env.ip));
    expect_expand(&env, "%{ir}.%{v}._spf.%{d2}",
                  "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0."
                  "1.0.0.2.ip6._spf.example.com", false);
}

static void
spf__macro__exp_letters_escapes_and_url_encoding(void **state)
{
    struct spf_macro_env env = env_v4();

    (void)state;
    expect_expand(&env, "%{c} %{p} %{r} %{t} %{h}",
                  "192.0.2.3 mx.example.org unknown 1700000000 "
                  "mx.example.org", true);
    expect_expand(&env, "%% %_%- x", "% " " %20 x", true);
    expect_expand(&env, "macro%%percent%_%_space%-url-space.example.com",
                  "macro%percent  space%20url-space.example.com", false);
    env.sender = "~jack&jill=up-a_b3.c@e8.example.com";
    expect_expand(&env, "http://example.com/why.html?l=%{L}",
                  "http://example.com/why.html?l=~jack%26jill%3Dup-a_b3.c",
                  true);
    env.sender = "philip-gladstone-test@e11.example.com";
    env.domain = "e11.example.com";
    expect_expand(&env, "%{i}.%{l2r-}.user.%{d2}",
                  "192.0.2.3.gladstone.philip.user.example.com", false);
    env.sender = "foo-bar+zip+quux@e12.example.com";
    expect_expand(&env, "%{l2r+-}.user.%{d2}", "bar.foo.user.example.com",
                  false);
    env.sender = "@example.net";
    expect_expand(&env, "%{l}", "postmaster", false);
    env.validated = NULL;
    expect_expand(&env, "connect from %{p}", "connect from unknown", true);
    assert_true(net_parse("cafe:babe::1", &env.ip));
    expect_expand(&env, "%{c} %{v}", "cafe:babe::1 ip6", true);
}

static void
spf__macro__syntax_errors(void **state)
{
    struct spf_macro_env env = env_v4();
    char *out = NULL;

    (void)state;
    assert_int_equal(spf_macro_expand("%{r}", &env, false, &out), RC_PARSE);
    assert_null(out);
    assert_int_equal(spf_macro_expand("The %{x}-files.", &env, true, &out),
                     RC_PARSE);
    assert_int_equal(spf_macro_expand("50%", &env, true, &out), RC_PARSE);
    assert_int_equal(spf_macro_expand("%{d", &env, false, &out), RC_PARSE);
}

static void
spf__expand_domain__truncates_to_253_from_the_left(void **state)
{
    struct spf_macro_env env = env_v4();
    char *out = NULL;
    const char *o = "somewhat.long.exp.example.com";

    (void)state;
    env.sender = "test@somewhat.long.exp.example.com";
    assert_int_equal(spf_expand_domain(
        "foobar.%{o}.%{o}.%{o}.%{o}.%{o}.%{o}.%{o}.%{o}.example.com", &env,
        &out), RC_OK);
    assert_int_equal(strlen(out), 8 * strlen(o) + 8 + 11);
    assert_true(strncmp(out, o, strlen(o)) == 0);
    assert_true(spf_name_queryable(out));
    free(out);
    assert_int_equal(spf_expand_domain("o.spf.example.com.", &env, &out),
                     RC_OK);
    assert_string_equal(out, "o.spf.example.com");
    free(out);
}

static void
spf__names__validity_and_escaping(void **state)
{
    char *e;

    (void)state;
    assert_true(spf_domain_valid("example.com"));
    assert_true(spf_domain_valid("example.com."));
    assert_false(spf_domain_valid("A2345678"));
    assert_false(spf_domain_valid("[1.2.3.5]"));
    assert_false(spf_domain_valid("A...example.com"));
    assert_false(spf_domain_valid(
        "A123456789012345678901234567890123456789012345678901234567890123"
        ".example.com"));
    assert_true(spf_domain_valid(
        "A12345678901234567890123456789012345678901234567890123456789012"
        ".example.com"));
    assert_false(spf_name_queryable("mail.example...com"));
    assert_false(spf_name_queryable(""));
    e = spf_name_escape("macro%percent  space.ex\\am\"ple.com");
    assert_string_equal(e, "macro%percent\\032\\032space.ex\\092am"
                           "\\034ple.com");
    free(e);
}

static void
spf__sender__split(void **state)
{
    char *l, *d;

    (void)state;
    spf_sender_split("strong-bad@email.example.com", &l, &d);
    assert_string_equal(l, "strong-bad");
    assert_string_equal(d, "email.example.com");
    free(l);
    free(d);
    spf_sender_split("@example.net", &l, &d);
    assert_string_equal(l, "postmaster");
    assert_string_equal(d, "example.net");
    free(l);
    free(d);
    spf_sender_split("example.org", &l, &d);
    assert_string_equal(l, "postmaster");
    assert_string_equal(d, "example.org");
    free(l);
    free(d);
}

/* In tr_TR.ISO-8859-9, tolower('I') is 0xFD (dotless i): the macro
 * letters must not depend on the locale.  Skipped when no Turkish locale
 * is installed (LOCPATH may point to one made with localedef). */
static void
spf__macro__turkish_locale__upper_i_is_the_ip(void **state)
{
    static const char *const names[] = {
        "tr_TR.ISO-8859-9", "tr_TR.iso88599", "tr_TR",
    };
    struct spf_macro_env env = env_v4();
    bool found = false;

    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(names) && !found; i++)
        found = setlocale(LC_CTYPE, names[i]) != NULL;
    if (!found)
        skip();
    expect_expand(&env, "%{I}", "192.0.2.3", false);
    expect_expand(&env, "%{IR}.%{V}", "3.2.0.192.in-addr", false);
    assert_true(spf_macro_uses("a:%{I}.x", 'i'));
    assert_true(spf_macro_uses("a:%{i}.x", 'I'));
    setlocale(LC_CTYPE, "C");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(spf__record_selection__version_rules),
        cmocka_unit_test(spf__parse__every_mechanism_and_modifier),
        cmocka_unit_test(spf__parse__spaces_and_empty),
        cmocka_unit_test(spf__parse__syntax_errors_with_position),
        cmocka_unit_test(spf__parse__nul_byte_is_an_error),
        cmocka_unit_test(spf__parse__nul_inside__term_kept_whole),
        cmocka_unit_test(spf__parse__grammar_corner_cases_accepted),
        cmocka_unit_test(spf__domain_spec__syntax),
        cmocka_unit_test(spf__macro__rfc7208_section_7_4_examples),
        cmocka_unit_test(spf__macro__exp_letters_escapes_and_url_encoding),
        cmocka_unit_test(spf__macro__syntax_errors),
        cmocka_unit_test(spf__expand_domain__truncates_to_253_from_the_left),
        cmocka_unit_test(spf__names__validity_and_escaping),
        cmocka_unit_test(spf__sender__split),
        cmocka_unit_test(spf__macro__turkish_locale__upper_i_is_the_ip),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
