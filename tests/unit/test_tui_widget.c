/* test_tui_widget.c - the wizard's widgets without a terminal: wrapping
 * never cuts text and respects columns (UTF-8, wide characters), text is
 * made safe for the terminal once, the line editor works on characters.
 * tui_widget.c is a frontend file (not in libcore.a): it is compiled in. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>

#include "../../src/tui_widget.c"

/* The document's text, line by line, segments at their columns. */
static char *
doc_text(const struct tw_doc *d)
{
    struct strbuf sb = STRBUF_INIT;

    for (size_t i = 0; i < d->n; i++) {
        int col = 0;
        for (size_t k = 0; k < d->v[i].n; k++) {
            const struct tw_seg *s = &d->v[i].segs[k];
            for (; col < s->col; col++)
                strbuf_addc(&sb, ' ');
            strbuf_adds(&sb, s->text);
            col += tw_width(s->text);
        }
        strbuf_addc(&sb, '\n');
    }
    return strbuf_detach(&sb);
}

/* Every line fits width columns. */
static void
assert_fits(const struct tw_doc *d, int width)
{
    for (size_t i = 0; i < d->n; i++) {
        int end = 0;
        for (size_t k = 0; k < d->v[i].n; k++) {
            int e = d->v[i].segs[k].col + tw_width(d->v[i].segs[k].text);
            if (e > end)
                end = e;
        }
        assert_true(end <= width);
    }
}

/* The text with spaces and newlines removed. */
static char *
squeeze(const char *s)
{
    struct strbuf sb = STRBUF_INIT;

    for (; *s != '\0'; s++)
        if (*s != ' ' && *s != '\n')
            strbuf_addc(&sb, *s);
    return strbuf_detach(&sb);
}

static void
widget__width__utf8_and_wide(void **state)
{
    (void)state;
    assert_int_equal(tw_width("abc"), 3);
    assert_int_equal(tw_width("señal"), 5);
    assert_int_equal(tw_width("日本"), 4);
    assert_int_equal(tw_width("✔"), 1);
}

static void
widget__text__wraps_words_within_width(void **state)
{
    struct tw_doc d;
    const char *in = "The quick brown fox jumps over the lazy dog and "
                     "keeps running through the señal field.";
    char *out, *a, *b;

    (void)state;
    tw_doc_init(&d, 20);
    tw_text(&d, TS_NORMAL, 2, in);
    assert_fits(&d, 20);
    assert_true(d.n > 3);
    out = doc_text(&d);
    a = squeeze(in);
    b = squeeze(out);
    assert_string_equal(a, b);
    free(a);
    free(b);
    free(out);
    tw_doc_fini(&d);
}

static void
widget__record__long_value_broken_never_cut(void **state)
{
    struct tw_doc d;
    char rec[600];
    char *out, *b;

    (void)state;
    memcpy(rec, "v=DKIM1; k=rsa; p=", 18);
    for (size_t i = 18; i < sizeof(rec) - 1; i++)
        rec[i] = (char)('A' + (i % 26));
    rec[sizeof(rec) - 1] = '\0';
    tw_doc_init(&d, 78);
    tw_record(&d, 4, rec);
    assert_fits(&d, 78);
    out = doc_text(&d);
    b = squeeze(out);
    char *a = squeeze(rec);
    assert_string_equal(a, b);
    free(a);
    free(b);
    free(out);
    tw_doc_fini(&d);
}

static void
widget__text__wide_characters_fit(void **state)
{
    struct tw_doc d;

    (void)state;
    tw_doc_init(&d, 11);
    tw_text(&d, TS_NORMAL, 0, "日本語日本語日本語日本語");
    assert_fits(&d, 11);
    assert_int_equal(d.n, 3);       /* 5 + 5 + 2 characters */
    tw_doc_fini(&d);
}

static void
widget__safe__controls_visible_backslash_kept(void **state)
{
    struct tw_doc d;
    char *out;

    (void)state;
    tw_doc_init(&d, 200);
    /* ESC, BEL, a C1 control (U+009B CSI), an invalid byte; and text
     * already made visible ("\x1B" as four characters) stays as it is. */
    tw_text(&d, TS_NORMAL, 0, "a\033[2Jb\007c\xc2\x9b" "d\xff" "e \\x1B");
    out = doc_text(&d);
    assert_string_equal(out,
                        "a\\x1B[2Jb\\x07c\\xC2\\x9Bd\\xFFe \\x1B\n");
    assert_null(strchr(out, '\033'));
    free(out);
    tw_doc_fini(&d);
}

/* Invisible and format characters that could hide or spoof a word (a
 * left-to-right mark, an Arabic letter mark, a zero-width space, a byte
 * order mark) are shown as escapes on screen too. */
static void
widget__safe__invisible_characters_visible(void **state)
{
    struct tw_doc d;
    char *out;

    (void)state;
    tw_doc_init(&d, 200);
    tw_text(&d, TS_NORMAL, 0, "a\u200eb\u061cc\u200bd\ufeffe");
    out = doc_text(&d);
    assert_null(strstr(out, "\u200e"));
    assert_null(strstr(out, "\u061c"));
    assert_null(strstr(out, "\u200b"));
    assert_null(strstr(out, "\ufeff"));
    assert_non_null(strstr(out, "a\\xE2\\x80\\x8Eb"));
    free(out);
    tw_doc_fini(&d);
}

static void
widget__item__hanging_indent(void **state)
{
    struct tw_doc d;

    (void)state;
    tw_doc_init(&d, 30);
    tw_item(&d, "✘", TS_FAIL, TS_NORMAL, 2,
            "There is no DMARC record for this domain at all.");
    assert_true(d.n >= 2);
    assert_int_equal(d.v[0].segs[0].col, 2);
    assert_int_equal(d.v[0].segs[1].col, 4);
    assert_int_equal(d.v[1].segs[0].col, 4);
    assert_fits(&d, 30);
    tw_doc_fini(&d);
}

static void
widget__edit__utf8_insert_and_delete(void **state)
{
    struct tw_edit e;

    (void)state;
    tw_edit_set(&e, "sel");
    assert_true(tw_edit_key(&e, 0xf1));            /* ñ */
    assert_string_equal(e.buf, "selñ");
    assert_int_equal(e.cur, 5);
    assert_true(tw_edit_key(&e, TK_FN(KEY_LEFT)));
    assert_int_equal(e.cur, 3);
    assert_true(tw_edit_key(&e, 'x'));
    assert_string_equal(e.buf, "selxñ");
    assert_true(tw_edit_key(&e, TK_FN(KEY_END)));
    assert_true(tw_edit_key(&e, 0x7f));            /* backspace */
    assert_string_equal(e.buf, "selx");
    assert_true(tw_edit_key(&e, TK_CTRL('u')));
    assert_string_equal(e.buf, "");
    /* Control characters are not typed into the field. */
    assert_false(tw_edit_key(&e, 0x1b));
    assert_false(tw_edit_key(&e, 0x9b));
    assert_string_equal(e.buf, "");
}

static void
widget__edit__full_buffer_keeps_whole_characters(void **state)
{
    struct tw_edit e;

    (void)state;
    tw_edit_set(&e, "");
    for (int i = 0; i < TW_EDIT_MAX; i++)
        tw_edit_key(&e, 0x65e5);                   /* 日, 3 bytes */
    assert_true(e.len < TW_EDIT_MAX);
    assert_int_equal(e.len % 3, 0);
    assert_int_equal(tw_width(e.buf), (int)(e.len / 3) * 2);
}

static void
widget__field__cursor_follows_text(void **state)
{
    struct tw_doc d;
    struct tw_edit e;

    (void)state;
    tw_edit_set(&e, "");
    for (int i = 0; i < 100; i++)
        tw_edit_key(&e, 'a' + i % 26);
    tw_doc_init(&d, 40);
    tw_field(&d, 0, "Label:", &e, true);
    assert_true(d.cur_line >= 0);
    assert_true(d.cur_col < 40);
    assert_fits(&d, 40);
    tw_doc_fini(&d);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(widget__width__utf8_and_wide),
        cmocka_unit_test(widget__text__wraps_words_within_width),
        cmocka_unit_test(widget__record__long_value_broken_never_cut),
        cmocka_unit_test(widget__text__wide_characters_fit),
        cmocka_unit_test(widget__safe__controls_visible_backslash_kept),
        cmocka_unit_test(widget__safe__invisible_characters_visible),
        cmocka_unit_test(widget__item__hanging_indent),
        cmocka_unit_test(widget__edit__utf8_insert_and_delete),
        cmocka_unit_test(widget__edit__full_buffer_keeps_whole_characters),
        cmocka_unit_test(widget__field__cursor_follows_text),
    };

    if (setlocale(LC_ALL, "C.UTF-8") == NULL)
        setlocale(LC_ALL, "C.utf8");
    return cmocka_run_group_tests(tests, NULL, NULL);
}
