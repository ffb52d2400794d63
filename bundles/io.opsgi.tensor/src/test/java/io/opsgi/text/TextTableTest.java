package io.opsgi.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TextTableTest {

    @Test
    void numbers_right_text_left_rule_under_the_header_and_above_totals() {
        String t = TextTable.withHeader("layer", "params", "time ms").row("conv1", "1,728", "0.412").row("relu", "-", "12.000").rule()
                .row("total", "1,728", "12.412").toText();
        assertEquals("""
                layer  params  time ms
                -----  ------  -------
                conv1   1,728    0.412
                relu        -   12.000
                -----  ------  -------
                total   1,728   12.412
                """, t);
    }

    @Test
    void markdown_marks_numeric_columns_right_and_escapes_pipes() {
        String md = TextTable.withHeader("op", "ratio", "ms").right(2).row("a|b", "1.5x", "untimed").row("c", "12x", "3.5").toMarkdown();
        assertEquals("""
                | op   | ratio |      ms |
                | ---- | ----: | ------: |
                | a\\|b |  1.5x | untimed |
                | c    |   12x |     3.5 |
                """, md);
    }

    @Test
    void a_layer_name_cannot_clear_the_screen_or_forge_a_row() {
        String hostile = "conv\u001b[2J\u001b[H\nfake  0  0\r\u202eevil\u0007";
        String t = TextTable.withHeader("layer", "params").row(hostile, 3).toText();
        assertEquals(3, t.lines().count(), t);
        assertFalse(t.chars().anyMatch(c -> c == 0x1b || c == '\r' || c == 0x202e || c == 7), t);
        assertEquals("conv\\e[2J\\e[H\\nfake  0  0\\r\\u202eevil\\u0007", TextTable.escape(hostile));
    }

    @Test
    void plain_text_passes_unchanged_and_a_forced_left_column_stays_left() {
        assertEquals("résumé 1.13", TextTable.escape("résumé 1.13"));
        String t = TextTable.withHeader("torch", "x").left(0).row("1.13", "a").row("2.1", "b").toText();
        assertEquals("torch  x\n-----  -\n1.13   a\n2.1    b\n", t);
        assertThrows(IllegalArgumentException.class, () -> TextTable.withHeader("a").row("1", "2"));
    }
}
