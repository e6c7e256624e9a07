package org.tutti.protocol.handshake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tutti.protocol.testing.TestSeed;

/** The 64-byte name field (spec §2.1): UTF-8, NUL-terminated, at most 63 bytes, cut on a character boundary. */
class ClientNameTest {

    @Test
    void aShortNameIsItsUtf8ThenZeros() {
        ByteBuffer field = field("remA");
        byte[] expected = new byte[64];
        expected[0] = 'r';
        expected[1] = 'e';
        expected[2] = 'm';
        expected[3] = 'A';
        assertArrayEquals(expected, field.array());
        assertEquals("remA", ClientName.decode(field, 0));
    }

    @Test
    void noNameIsSixtyFourZeros() {
        assertArrayEquals(new byte[64], field("").array());
        assertArrayEquals(new byte[64], field(null).array());
        assertEquals("", ClientName.decode(ByteBuffer.allocate(64), 0));
    }

    @Test
    void sixtyThreeBytesFitAndLeaveTheTerminatingNul() {
        String name = "x".repeat(63);
        ByteBuffer field = field(name);
        assertEquals(0, field.get(63));
        assertEquals(name, ClientName.decode(field, 0));
    }

    @Test
    void longerNamesAreCutTo63Bytes() {
        assertEquals("x".repeat(63), ClientName.decode(field("x".repeat(64)), 0));
        assertEquals("x".repeat(63), ClientName.decode(field("x".repeat(500)), 0));
    }

    @Test
    void truncationNeverSplitsAMultiByteCharacter() {
        // Characters of 2, 3 and 4 UTF-8 bytes straddling the 63-byte limit are dropped whole.
        assertEquals("a".repeat(62), decoded("a".repeat(62) + "é"));          // 62 + 2 = 64
        assertEquals("a".repeat(61) + "é", decoded("a".repeat(61) + "é"));    // 63: fits exactly
        assertEquals("a".repeat(61), decoded("a".repeat(61) + "€"));          // 61 + 3 = 64
        assertEquals("a".repeat(62), decoded("a".repeat(62) + "€"));          // 62 + 3 = 65
        assertEquals("a".repeat(60) + "€", decoded("a".repeat(60) + "€x"));   // 63, then one more
        assertEquals("a".repeat(60), decoded("a".repeat(60) + "🎻"));          // 60 + 4 = 64
        assertEquals("a".repeat(59) + "🎻", decoded("a".repeat(59) + "🎻x"));  // 63, then one more
        assertEquals("é".repeat(31), decoded("é".repeat(40)));               // 62 bytes, not 63
        assertEquals("€".repeat(21), decoded("€".repeat(30)));               // 63 bytes exactly
        assertEquals("🎻".repeat(15), decoded("🎻".repeat(20)));               // 60 bytes
    }

    @Test
    void truncationKeepsTheLongestWholeCharacterPrefix() {
        long seed = TestSeed.next();
        SplittableRandom random = new SplittableRandom(seed);
        int[] widths = {0x41, 0xE9, 0x20AC, 0x1F3BB}; // 1, 2, 3 and 4 UTF-8 bytes
        for (int i = 0; i < 20_000; i++) {
            StringBuilder name = new StringBuilder();
            for (int n = random.nextInt(70); n > 0; n--) {
                name.appendCodePoint(widths[random.nextInt(4)] + random.nextInt(8));
            }
            byte[] utf8 = name.toString().getBytes(StandardCharsets.UTF_8);
            byte[] cut = ClientName.truncatedUtf8(name.toString());
            String where = "name " + name + ", " + TestSeed.describe(seed);

            assertTrue(cut.length <= 63, where);
            assertArrayEquals(Arrays.copyOf(utf8, cut.length), cut, "a prefix: " + where);
            String decoded = new String(cut, StandardCharsets.UTF_8);
            assertTrue(name.toString().startsWith(decoded), "whole characters: " + where);
            if (utf8.length > 63) {
                int next = decoded.length() < name.length() ? name.toString().substring(decoded.length()).codePointAt(0) : 0;
                assertTrue(cut.length + new String(Character.toChars(next)).getBytes(StandardCharsets.UTF_8).length > 63,
                        "the next character would not have fit: " + where);
            } else {
                assertArrayEquals(utf8, cut, where);
            }
        }
    }

    @Test
    void decodingStopsAtTheFirstNul() {
        ByteBuffer field = ByteBuffer.allocate(64);
        field.put(0, "ab\0cd".getBytes(StandardCharsets.UTF_8));
        assertEquals("ab", ClientName.decode(field, 0));
        assertEquals("ab", ClientName.decode(field("ab\u0000cd"), 0), "a NUL inside a name ends it");
    }

    @Test
    void sixtyFourBytesWithoutANulDecodeAsSixtyFourCharacters() {
        byte[] full = new byte[70];
        Arrays.fill(full, (byte) 'z');
        assertEquals("z".repeat(64), ClientName.decode(ByteBuffer.wrap(full), 3), "never reads past the field");
    }

    @Test
    void invalidUtf8BecomesReplacementCharacters() {
        ByteBuffer field = ByteBuffer.allocate(64);
        field.put(0, new byte[] {'o', 'k', (byte) 0xC3, '!'});
        assertEquals("ok\uFFFD!", ClientName.decode(field, 0));
    }

    @Test
    void encodesAtAnOffsetWithoutTouchingNeighbours() {
        ByteBuffer buffer = ByteBuffer.allocate(70);
        Arrays.fill(buffer.array(), (byte) 7);
        ClientName.encode("name", buffer, 3);

        assertEquals(7, buffer.get(2));
        assertEquals(7, buffer.get(67));
        assertEquals(0, buffer.get(66));
        assertEquals("name", ClientName.decode(buffer, 3));
    }

    private static ByteBuffer field(String name) {
        ByteBuffer field = ByteBuffer.allocate(64);
        ClientName.encode(name, field, 0);
        return field;
    }

    private static String decoded(String name) {
        return ClientName.decode(field(name), 0);
    }
}
