package io.opsgi.op;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The output-size formulas, against values worked out by hand (comments show the arithmetic). */
class OutputSizeTest {

    // Columns: in, kernel, stride, pad, dilation, expected = floor((I + 2P - D(K-1) - 1)/S) + 1.
    @ParameterizedTest(name = "I={0} K={1} S={2} P={3} D={4} -> {5}")
    @CsvSource({
        "5, 3, 1, 0, 1, 3",      // (5-2-1)/1 + 1
        "5, 3, 1, 1, 1, 5",      // (5+2-2-1)/1 + 1: p=1 keeps the size
        "7, 3, 2, 1, 1, 4",      // 6/2 + 1
        "8, 3, 2, 1, 1, 4",      // 7/2 = 3, + 1
        "224, 7, 2, 3, 1, 112",  // ResNet stem: 223/2 = 111, + 1
        "10, 3, 1, 0, 2, 6",     // effective kernel 5: (10-4-1)/1 + 1
        "10, 3, 3, 2, 2, 4",     // (10+4-4-1)/3 = 3, + 1
        "2, 3, 1, 1, 1, 2",      // kernel larger than input, padding makes it fit
        "1, 1, 1, 0, 1, 1",
        "6, 2, 2, 0, 1, 3",      // (6-1-1)/2 + 1
        "4, 5, 1, 0, 1, 0",      // (4-4-1) = -1, + 1: too small, left to the contracts
        "2, 5, 2, 0, 1, -1",     // floor(-3/2) = -2 (truncation would say -1), + 1
    })
    void conv_formula(int in, int k, int s, int p, int d, int expected) {
        assertEquals(expected, OutputSize.conv(in, k, s, p, d));
        assertEquals(expected, OutputSize.window(in, k, s, p, p, d, false), "conv is the symmetric floor-mode window");
    }

    @Test
    void asymmetric_pads_add_up() {
        assertEquals(5, OutputSize.window(5, 3, 1, 0, 2, 1, false)); // (5+0+2-2-1)/1 + 1
        assertEquals(3, OutputSize.window(5, 3, 2, 1, 2, 1, false)); // (5+1+2-2-1)/2 = 2, + 1
        assertEquals(OutputSize.window(9, 4, 2, 3, 0, 1, false), OutputSize.window(9, 4, 2, 0, 3, 1, false),
                "floor mode only sees the total padding");
    }

    // Columns: in, kernel, stride, pad, dilation, floor-mode output, ceil-mode output.
    @ParameterizedTest(name = "I={0} K={1} S={2} P={3} D={4}: floor {5}, ceil {6}")
    @CsvSource({
        "5, 3, 3, 1, 1, 2, 2",   // ceil (5+2-2-1+2)/3 + 1 = 3, but window 2 would start at 2*3-1 = 5 = I: in the padding
        "3, 2, 2, 1, 1, 2, 2",   // naive ceil 3; window 2 starts at 2*2-1 = 3 = I
        "1, 2, 2, 1, 1, 1, 1",   // naive ceil 2; window 1 starts at 2-1 = 1 = I
        "5, 2, 2, 0, 1, 2, 3",   // ceil adds one: the last window starts at 4, inside the input
        "6, 3, 2, 0, 1, 2, 3",   // floor 3/2 + 1 = 2; ceil 4/2 + 1 = 3, starts at 4 < 6
        "8, 3, 2, 1, 1, 4, 5",   // floor 7/2 + 1 = 4; ceil 8/2 + 1 = 5, starts at 8-1 = 7 < 8
        "6, 2, 2, 0, 2, 2, 3",   // dilated: floor 3/2 + 1 = 2; ceil 4/2 + 1 = 3, starts at 4 < 6
        "4, 2, 2, 0, 1, 2, 2",   // exact fit: ceil changes nothing
        "5, 3, 1, 0, 1, 3, 3",   // stride 1: ceil changes nothing
    })
    void ceil_mode_keeps_only_windows_starting_in_the_input_or_left_padding(int in, int k, int s, int p, int d, int floor, int ceil) {
        assertEquals(floor, OutputSize.window(in, k, s, p, p, d, false), "floor mode");
        assertEquals(ceil, OutputSize.window(in, k, s, p, p, d, true), "ceil mode");
    }

    @Test
    void ceil_mode_last_window_rule_drops_what_the_naive_ceiling_adds() {
        // The three cases of OPERATOR-SEMANTICS.md §3, with the naive ceil((I+2P-D(K-1)-1)/S) + 1 beside them.
        int[][] cases = {{5, 3, 3, 1, 3, 2}, {3, 2, 2, 1, 3, 2}, {1, 2, 2, 1, 2, 1}};
        for (int[] c : cases) {
            int naive = (int) Math.ceil((c[0] + 2.0 * c[3] - (c[1] - 1) - 1) / c[2]) + 1;
            assertEquals(c[4], naive, "naive ceiling of " + java.util.Arrays.toString(c));
            assertEquals(c[5], OutputSize.window(c[0], c[1], c[2], c[3], c[3], 1, true), java.util.Arrays.toString(c));
        }
    }

    // Columns: in, kernel, stride, pad, dilation, output_padding, expected = (I-1)S - 2P + D(K-1) + op + 1.
    @ParameterizedTest(name = "I={0} K={1} S={2} P={3} D={4} op={5} -> {6}")
    @CsvSource({
        "14, 4, 2, 1, 1, 0, 28", // 13*2 - 2 + 3 + 0 + 1: the DCGAN upsampling layer doubles
        "5, 3, 1, 0, 1, 0, 7",   // 4 + 2 + 1
        "5, 3, 2, 1, 1, 1, 10",  // 8 - 2 + 2 + 1 + 1
        "3, 3, 1, 0, 2, 0, 7",   // 2 + 4 + 1
        "4, 3, 1, 3, 2, 1, 3",   // 3 - 6 + 4 + 1 + 1
        "4, 3, 1, 2, 1, 0, 2",   // 3 - 4 + 2 + 1
        "4, 3, 1, 3, 1, 0, 0",   // 3 - 6 + 2 + 1: too small, left to the contract
        "1, 1, 3, 1, 1, 0, -1",  // 0 - 2 + 0 + 1
        "1, 1, 1, 0, 1, 0, 1",
    })
    void transposed_formula(int in, int k, int s, int p, int d, int op, int expected) {
        assertEquals(expected, OutputSize.transposed(in, k, s, p, d, op));
    }

    @Test
    void adaptive_windows_worked_examples() {
        // I=10, O=3: [floor(10i/3), ceil(10(i+1)/3)) = [0,4), [3,7), [6,10): overlapping by one.
        assertWindows(10, 3, new int[][] {{0, 4}, {3, 7}, {6, 10}});
        // I=5, O=3: [0,2), [1,4), [3,5).
        assertWindows(5, 3, new int[][] {{0, 2}, {1, 4}, {3, 5}});
        // O > I: I=2, O=5: starts floor(2i/5) = 0,0,0,1,1; ends ceil(2(i+1)/5) = 1,1,2,2,2.
        assertWindows(2, 5, new int[][] {{0, 1}, {0, 1}, {0, 2}, {1, 2}, {1, 2}});
        // O = I: the identity; O = 1: global pooling.
        assertWindows(3, 3, new int[][] {{0, 1}, {1, 2}, {2, 3}});
        assertWindows(7, 1, new int[][] {{0, 7}});
    }

    @Test
    void adaptive_windows_match_real_floor_and_ceil_and_cover_the_input() {
        for (int in = 1; in <= 24; in++) {
            for (int out = 1; out <= 24; out++) {
                for (int i = 0; i < out; i++) {
                    int start = OutputSize.adaptiveStart(i, in, out);
                    int end = OutputSize.adaptiveEnd(i, in, out);
                    // Small enough for doubles to be exact: the definition, written with real division.
                    assertEquals((int) Math.floor((double) i * in / out), start, in + "->" + out + " start " + i);
                    assertEquals((int) Math.ceil((double) (i + 1) * in / out), end, in + "->" + out + " end " + i);
                    assertTrue(start < end, "every window holds at least one element");
                }
                assertEquals(0, OutputSize.adaptiveStart(0, in, out));
                assertEquals(in, OutputSize.adaptiveEnd(out - 1, in, out));
            }
        }
    }

    private static void assertWindows(int in, int out, int[][] expected) {
        for (int i = 0; i < out; i++) {
            assertArrayEquals(expected[i], new int[] {OutputSize.adaptiveStart(i, in, out), OutputSize.adaptiveEnd(i, in, out)},
                    "window " + i + " of " + in + " -> " + out);
        }
    }

    // Columns: in, kernel, stride, dilation, SAME_UPPER {begin, end}. SAME_LOWER is the mirror.
    @ParameterizedTest(name = "I={0} K={1} S={2} D={3} -> upper ({4}, {5})")
    @CsvSource({
        "5, 2, 1, 1, 0, 1",  // total d(k-1) = 1: the extra element goes to the bottom/right (torch 'same')
        "5, 2, 1, 3, 1, 2",  // total 3: 1 top, 2 bottom
        "5, 3, 1, 1, 1, 1",
        "5, 4, 1, 1, 1, 2",  // total 3
        "5, 1, 1, 1, 0, 0",
        "7, 3, 2, 1, 1, 1",  // ONNX: out = ceil(7/2) = 4, total = 3*2 + 3 - 7 = 2
        "8, 3, 2, 1, 0, 1",  // out 4, total = 6 + 3 - 8 = 1
        "9, 4, 2, 1, 1, 2",  // out 5, total = 8 + 4 - 9 = 3
        "5, 4, 3, 1, 1, 1",  // out 2, total = 3 + 4 - 5 = 2
        "6, 1, 2, 1, 0, 0",  // out 3, total = 4 + 1 - 6 = -1, clamped to 0
    })
    void same_padding(int in, int k, int s, int d, int begin, int end) {
        assertArrayEquals(new int[] {begin, end}, OutputSize.samePadding(in, k, s, d, false), "SAME_UPPER");
        assertArrayEquals(new int[] {end, begin}, OutputSize.samePadding(in, k, s, d, true), "SAME_LOWER puts the extra first");
    }

    @Test
    void same_padding_keeps_ceil_in_over_stride_outputs() {
        for (int in = 1; in <= 20; in++) {
            for (int k = 1; k <= 5; k++) {
                for (int s = 1; s <= 3; s++) {
                    for (int d = 1; d <= 3; d++) {
                        for (boolean lower : new boolean[] {false, true}) {
                            int[] p = OutputSize.samePadding(in, k, s, d, lower);
                            String at = "in=" + in + " k=" + k + " s=" + s + " d=" + d + " lower=" + lower;
                            assertEquals((in + s - 1) / s, OutputSize.window(in, k, s, p[0], p[1], d, false), at);
                            assertTrue(Math.abs(p[0] - p[1]) <= 1, at);
                            if (s == 1) {
                                assertEquals(d * (k - 1), p[0] + p[1], "torch 'same' pads d(k-1) in total: " + at);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void upsampleByAScaleTruncatesTheDoubleProduct() {
        // int(double(in) * scale), as nn.Upsample: 10 * 2.2 = 22.000000000000004 -> 22, 3 * 1.5 = 4.5 -> 4, 7 * 0.5 = 3.5 -> 3
        org.junit.jupiter.api.Assertions.assertEquals(22, OutputSize.scaled(10, 2.2));
        org.junit.jupiter.api.Assertions.assertEquals(4, OutputSize.scaled(3, 1.5));
        org.junit.jupiter.api.Assertions.assertEquals(3, OutputSize.scaled(7, 0.5));
        org.junit.jupiter.api.Assertions.assertEquals(Integer.MAX_VALUE, OutputSize.scaled(1 << 30, 1e10));
    }
}
