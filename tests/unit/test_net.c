/* test_net.c - addresses, CIDR matching, reverse names, reachability. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "mailready/net.h"
#include "mailready/util.h"

static bool
global(const char *s)
{
    struct ipaddr ip;

    assert_true(net_parse(s, &ip));
    return net_is_global(&ip, NULL);
}

static void
net__special_ranges__not_global(void **state)
{
    static const char *const local[] = {
        "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
        "127.0.0.1", "169.254.1.1", "100.64.0.1", "100.127.255.254",
        "192.0.2.1", "198.51.100.7", "203.0.113.9", "0.1.2.3",
        "224.0.0.1", "255.255.255.255", "198.18.0.1", "::", "::1",
        "fe80::1", "fc00::1", "fd12:3456::1", "2001:db8::25", "ff02::1",
        "::ffff:10.0.0.1", "2001:2::1",
    };
    static const char *const pub[] = {
        "8.8.8.8", "45.67.89.10", "172.32.0.1", "100.128.0.1",
        "192.0.0.9", "2a00:1450:4001:80b::200e", "2606:4700::1111",
        "2001:4860:4860::8888",
    };

    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(local); i++)
        assert_false(global(local[i]));
    for (size_t i = 0; i < ARRAY_LEN(pub); i++)
        assert_true(global(pub[i]));
}

static void
net__cidr__matches_prefix(void **state)
{
    struct ipaddr net, ip;
    unsigned p;

    (void)state;
    assert_true(net_parse_cidr("45.67.89.0/28", &net, &p));
    assert_int_equal(p, 28);
    assert_true(net_parse("45.67.89.15", &ip));
    assert_true(net_match(&ip, &net, p));
    assert_true(net_parse("45.67.89.16", &ip));
    assert_false(net_match(&ip, &net, p));
    assert_true(net_parse_cidr("2a01:4f8::/32", &net, &p));
    assert_true(net_parse("2a01:4f8:1:2::3", &ip));
    assert_true(net_match(&ip, &net, p));
    assert_true(net_match(&ip, &net, 0));
    assert_false(net_parse_cidr("1.2.3.4/33", &net, &p));
    assert_false(net_parse_cidr("1.2.3.4/", &net, &p));
    assert_false(net_parse_cidr("1.2.3/8", &net, &p));
    assert_false(net_parse("1.2.3.4.5", &ip));
}

static void
net__reverse_names__in_addr_and_ip6(void **state)
{
    struct ipaddr ip;
    char buf[80];

    (void)state;
    assert_true(net_parse("45.67.89.10", &ip));
    assert_string_equal(net_reverse_name(&ip, buf, sizeof(buf)),
                        "10.89.67.45.in-addr.arpa");
    assert_true(net_parse("2001:db8::567:89ab", &ip));
    assert_string_equal(net_reverse_name(&ip, buf, sizeof(buf)),
                        "b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0"
                        ".8.b.d.0.1.0.0.2.ip6.arpa");
    assert_true(net_parse("::ffff:45.67.89.10", &ip));
    net_unmap(&ip);
    assert_int_equal(ip.family, AF_INET);
    assert_string_equal(net_format(&ip, buf, sizeof(buf)), "45.67.89.10");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(net__special_ranges__not_global),
        cmocka_unit_test(net__cidr__matches_prefix),
        cmocka_unit_test(net__reverse_names__in_addr_and_ip6),
    };

    return cmocka_run_group_tests_name("net", tests, NULL, NULL);
}
