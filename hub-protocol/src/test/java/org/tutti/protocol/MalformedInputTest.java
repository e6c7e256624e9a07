package org.tutti.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.tutti.protocol.handshake.AuthenticatedRequest;
import org.tutti.protocol.handshake.HandshakeRequest;
import org.tutti.protocol.handshake.ParseStatus;
import org.tutti.protocol.testing.Captures;
import org.tutti.protocol.testing.Hex;
import org.tutti.protocol.testing.TestSeed;
import org.tutti.protocol.udp.BitResolution;
import org.tutti.protocol.udp.DatagramCheck;
import org.tutti.protocol.udp.DatagramValidator;
import org.tutti.protocol.udp.ExitPacket;
import org.tutti.protocol.udp.LittleEndian;
import org.tutti.protocol.udp.PacketHeader;
import org.tutti.protocol.udp.PacketLayout;
import org.tutti.protocol.udp.PayloadCodec;

/**
 * Whatever arrives from the network, the parsers answer with a status and never throw. Every
 * input lives in a buffer exactly as long as the input, so a read past the end would throw.
 */
class MalformedInputTest {
    private static final int RANDOM_INPUTS = 100_000;
    private static final int MAX_LENGTH = 2048;
    private static final DatagramValidator HUB_48K = DatagramValidator.forHubRate(48000);

    // ------------------------------------------------------------------------------------------
    // Every truncation of real inputs

    @Test
    void everyTruncationOfARealStereoDatagramIsTooShortOrASizeMismatch() {
        byte[] real = Captures.open(Captures.C1_2CH16).udp(750).payload();
        for (int length = 0; length <= real.length; length++) {
            DatagramCheck expected = length < PacketHeader.LENGTH ? DatagramCheck.TOO_SHORT
                    : length == ExitPacket.LENGTH ? DatagramCheck.CONTROL
                    : length == 528 ? DatagramCheck.OK : DatagramCheck.SIZE_MISMATCH;
            assertEquals(expected, checkExactly(real, length, 0), "length " + length);
            assertEquals(expected, checkExactly(real, length, 5), "length " + length + " at offset 5");
        }
    }

    @Test
    void everyTruncationOfARealRedundantDatagramIsOkOnlyAtWholePackets() {
        byte[] real = Captures.open(Captures.C3_R2).udp(753).payload();
        for (int length = 0; length <= real.length; length++) {
            DatagramCheck expected = length < PacketHeader.LENGTH ? DatagramCheck.TOO_SHORT
                    : length == ExitPacket.LENGTH ? DatagramCheck.CONTROL
                    : length == 528 || length == 1056 ? DatagramCheck.OK : DatagramCheck.SIZE_MISMATCH;
            assertEquals(expected, checkExactly(real, length, 0), "length " + length);
        }
    }

    @Test
    void everyTruncationOfARealTwentyFourBitDatagramIsTooShortOrASizeMismatch() {
        byte[] real = Captures.open(Captures.C2_1CH24).udp(748).payload();
        for (int length = 0; length <= real.length; length++) {
            DatagramCheck expected = length < PacketHeader.LENGTH ? DatagramCheck.TOO_SHORT
                    : length == ExitPacket.LENGTH ? DatagramCheck.CONTROL
                    : length == 400 ? DatagramCheck.OK : DatagramCheck.SIZE_MISMATCH;
            assertEquals(expected, checkExactly(real, length, 0), "length " + length);
        }
    }

    @Test
    void everyTruncationOfARealExitPacketIsNotAnExit() {
        byte[] exit = Captures.open(Captures.C1_2CH16).udp(973).payload();
        for (int length = 0; length < exit.length; length++) {
            DatagramCheck expected = length < PacketHeader.LENGTH ? DatagramCheck.TOO_SHORT : DatagramCheck.INVALID_SAMPLE_RATE;
            assertEquals(expected, checkExactly(exit, length, 0), "length " + length);
        }
        assertEquals(DatagramCheck.EXIT, checkExactly(exit, 63, 0));
    }

    @Test
    void everyTruncationOfARealRequestNeedsMoreOrIsPortOnly() {
        byte[] real = Captures.open(Captures.C1_2CH16).tcp(4).payload();
        for (int length = 0; length <= real.length; length++) {
            ParseStatus expected = length < 4 ? ParseStatus.NEED_MORE : length < 68 ? ParseStatus.PORT_ONLY : ParseStatus.COMPLETE;
            HandshakeRequest[] out = new HandshakeRequest[1];
            assertEquals(expected, parsePlain(exactly(real, length, 0), 0, length, out), "length " + length);
            assertEquals(expected, parsePlain(exactly(real, length, 7), 7, length, out), "length " + length + " at offset 7");
            assertEquals(ParseStatus.NEED_MORE, parseAuthenticated(exactly(real, length, 0), 0, length),
                    "a plain request is too short to be a credentials request");
        }
    }

    @Test
    void everyTruncationOfARealAuthMarkerNeedsMore() {
        byte[] marker = Captures.open(Captures.C6_AUTH_REAL).tcp(4).payload();
        assertEquals(4, marker.length);
        for (int length = 0; length < 4; length++) {
            assertEquals(ParseStatus.NEED_MORE, parsePlain(exactly(marker, length, 0), 0, length, new HandshakeRequest[1]));
        }
        assertEquals(ParseStatus.AUTH_REQUESTED, parsePlain(exactly(marker, 4, 0), 0, 4, new HandshakeRequest[1]));
    }

    @Test
    void everyTruncationOfACredentialsRequestNeedsMore() {
        // The capture only shows this request encrypted; these are the bytes p3's probe sent for
        // alice/secret (89 bytes, matching the 111-byte TLS record in c6 and p3).
        byte[] request = new byte[89];
        new AuthenticatedRequest(14713, "authed", "alice", "secret").encode(ByteBuffer.wrap(request), 0);
        for (int length = 0; length < request.length; length++) {
            assertEquals(ParseStatus.NEED_MORE, parseAuthenticated(exactly(request, length, 0), 0, length), "length " + length);
            assertEquals(ParseStatus.NEED_MORE, parseAuthenticated(exactly(request, length, 3), 3, length), "length " + length);
        }
        assertEquals(ParseStatus.COMPLETE, parseAuthenticated(exactly(request, 89, 0), 0, 89));
    }

    // ------------------------------------------------------------------------------------------
    // Random inputs

    @Test
    void randomDatagramsNeverMakeTheValidatorOrTheCodecThrow() {
        long seed = TestSeed.next();
        SplittableRandom random = new SplittableRandom(seed);
        byte[][] real = {Captures.open(Captures.C1_2CH16).udp(750).payload(), Captures.open(Captures.C2_1CH24).udp(748).payload(),
                Captures.open(Captures.C3_R2).udp(753).payload(), ExitPacket.bytes()};
        Map<DatagramCheck, Integer> seen = new EnumMap<>(DatagramCheck.class);
        PacketHeader header = new PacketHeader();
        for (int i = 0; i < RANDOM_INPUTS; i++) {
            byte[] input = switch (i % 3) {
                case 0 -> randomBytes(random);
                case 1 -> mutated(real[random.nextInt(real.length)], random);
                default -> plausiblePacket(random);
            };
            int offset = random.nextInt(4) == 0 ? random.nextInt(1, 9) : 0;
            ByteBuffer buffer = exactly(input, input.length, offset);
            DatagramCheck check = noThrow(seed, i, input, () -> HUB_48K.check(buffer, offset, input.length, header));
            seen.merge(check, 1, Integer::sum);
            if (check == DatagramCheck.OK) {
                noThrow(seed, i, input, () -> decodeSlotZero(buffer, header));
            }
        }
        assertTrue(seen.keySet().containsAll(EnumSet.complementOf(EnumSet.of(DatagramCheck.BIT_RESOLUTION_MISMATCH))),
                "the inputs reach every verdict: " + seen + ", " + TestSeed.describe(seed));
    }

    @Test
    void randomBytesNeverMakeTheRequestParsersThrow() {
        long seed = TestSeed.next();
        SplittableRandom random = new SplittableRandom(seed);
        byte[] realRequest = Captures.open(Captures.C1_2CH16).tcp(4).payload();
        byte[] realCredentials = new byte[89];
        new AuthenticatedRequest(14713, "authed", "alice", "secret").encode(ByteBuffer.wrap(realCredentials), 0);
        Map<ParseStatus, Integer> plain = new EnumMap<>(ParseStatus.class);
        Map<ParseStatus, Integer> authenticated = new EnumMap<>(ParseStatus.class);
        for (int i = 0; i < RANDOM_INPUTS; i++) {
            byte[] input = switch (i % 4) {
                case 0 -> randomBytes(random);
                case 1 -> mutated(realRequest, random);
                case 2 -> mutated(realCredentials, random);
                default -> plausibleCredentials(random);
            };
            if (input.length >= 4 && random.nextInt(8) == 0) {
                LittleEndian.putInt(ByteBuffer.wrap(input), 0, random.nextBoolean() ? 0 : 65536);
            }
            int offset = random.nextInt(4) == 0 ? random.nextInt(1, 9) : 0;
            ByteBuffer buffer = exactly(input, input.length, offset);
            plain.merge(noThrow(seed, i, input, () -> parsePlain(buffer, offset, input.length, new HandshakeRequest[1])), 1, Integer::sum);
            authenticated.merge(noThrow(seed, i, input, () -> parseAuthenticated(buffer, offset, input.length)), 1, Integer::sum);
        }
        assertTrue(plain.keySet().containsAll(EnumSet.of(ParseStatus.NEED_MORE, ParseStatus.PORT_ONLY, ParseStatus.COMPLETE,
                ParseStatus.AUTH_REQUESTED)), "plain: " + plain + ", " + TestSeed.describe(seed));
        assertTrue(authenticated.keySet().containsAll(EnumSet.of(ParseStatus.NEED_MORE, ParseStatus.COMPLETE, ParseStatus.MALFORMED)),
                "authenticated: " + authenticated + ", " + TestSeed.describe(seed));
    }

    // ------------------------------------------------------------------------------------------

    private static DatagramCheck checkExactly(byte[] source, int length, int offset) {
        return HUB_48K.check(exactly(source, length, offset), offset, length, new PacketHeader());
    }

    /** A buffer holding {@code source[0, length)} at {@code offset}, and nothing after it. */
    private static ByteBuffer exactly(byte[] source, int length, int offset) {
        byte[] bytes = new byte[offset + length];
        Arrays.fill(bytes, 0, offset, (byte) 0x77);
        System.arraycopy(source, 0, bytes, offset, length);
        return ByteBuffer.wrap(bytes);
    }

    private static ParseStatus parsePlain(ByteBuffer buffer, int offset, int length, HandshakeRequest[] out) {
        return HandshakeRequest.parse(buffer, offset, length, out);
    }

    private static ParseStatus parseAuthenticated(ByteBuffer buffer, int offset, int length) {
        return AuthenticatedRequest.parse(buffer, offset, length, new AuthenticatedRequest[1]);
    }

    private static int decodeSlotZero(ByteBuffer buffer, PacketHeader header) {
        BitResolution resolution = BitResolution.fromBits(header.bitResolution());
        int channels = header.channelsCarried();
        int frames = header.bufferSize();
        float[][] target = new float[channels][frames];
        int decoded = PayloadCodec.decode(buffer, header.offset(), frames, channels, resolution, target, channels, 0);
        if (resolution != BitResolution.BIT32) {
            for (float[] channel : target) {
                for (float sample : channel) {
                    if (!(sample >= -1f && sample < 1f)) {
                        throw new IllegalStateException("decoded sample out of range: " + sample);
                    }
                }
            }
        }
        return decoded;
    }

    private static <T> T noThrow(long seed, int iteration, byte[] input, Supplier<T> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            fail("input " + iteration + " (" + input.length + " bytes: " + Hex.of(input, 0, Math.min(input.length, 80))
                    + (input.length > 80 ? " ..." : "") + ") threw " + e + ", " + TestSeed.describe(seed), e);
            return null;
        }
    }

    private static byte[] randomBytes(SplittableRandom random) {
        byte[] bytes = new byte[random.nextInt(MAX_LENGTH + 1)];
        random.nextBytes(bytes);
        return bytes;
    }

    /** A real input, cut or extended to a random length, with a few random bytes changed. */
    private static byte[] mutated(byte[] real, SplittableRandom random) {
        int length = random.nextInt(4) == 0 ? real.length : random.nextInt(Math.min(MAX_LENGTH, real.length * 2) + 1);
        byte[] bytes = Arrays.copyOf(real, length);
        for (int i = random.nextInt(4); i > 0 && length > 0; i--) {
            bytes[random.nextInt(Math.min(length, 20))] = (byte) random.nextInt(256);
        }
        return bytes;
    }

    /** A header with plausible and edge-case fields, and a length that usually matches it. */
    private static byte[] plausiblePacket(SplittableRandom random) {
        int[] bitsChoices = {8, 16, 24, 32, 8, 16, 24, 32, 0, 12, 255};
        int bits = bitsChoices[random.nextInt(bitsChoices.length)];
        int frames = random.nextInt(6) == 0 ? random.nextInt(65536) : random.nextInt(0, 129);
        int wanted = random.nextInt(8) == 0 ? random.nextInt(256) : random.nextInt(0, 5);
        int[] carriedChoices = {0, 0, 1, 2, 3, 255, random.nextInt(256)};
        int carried = carriedChoices[random.nextInt(carriedChoices.length)];
        int rate = random.nextInt(5) == 0 ? random.nextInt(256) : 3;
        int declared = PacketLayout.packetSize(frames, PacketHeader.channelsCarried(wanted, carried), Math.max(1, bits / 8));
        int length = random.nextInt(4) == 0 ? random.nextInt(PacketHeader.LENGTH, MAX_LENGTH + 1)
                : declared * (random.nextInt(5) == 0 ? 2 : 1);
        byte[] bytes = new byte[Math.min(Math.max(length, PacketHeader.LENGTH), MAX_LENGTH)];
        random.nextBytes(bytes);
        new PacketHeader().wrap(ByteBuffer.wrap(bytes), 0).sequenceNumber(random.nextInt(65536)).bufferSize(frames)
                .samplingRateCode(rate).bitResolution(bits).channelsWanted(wanted).channelsCarriedField(carried);
        return bytes;
    }

    /** A credentials request with small, negative, huge or mismatched lengths. */
    private static byte[] plausibleCredentials(SplittableRandom random) {
        int[] lengths = {0, 1, 5, 40, -1, Integer.MIN_VALUE, 4096, 4097, Integer.MAX_VALUE, random.nextInt()};
        int user = random.nextInt(3) == 0 ? lengths[random.nextInt(lengths.length)] : random.nextInt(0, 30);
        int password = random.nextInt(3) == 0 ? lengths[random.nextInt(lengths.length)] : random.nextInt(0, 30);
        int total = user >= 0 && password >= 0 && user <= 100 && password <= 100 ? 78 + user + password : 100;
        byte[] bytes = new byte[random.nextInt(4) == 0 ? random.nextInt(total + 1) : total];
        random.nextBytes(bytes);
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        if (bytes.length >= 76) {
            LittleEndian.putInt(buffer, 68, user);
            LittleEndian.putInt(buffer, 72, password);
            if (bytes.length == total && random.nextInt(4) != 0 && user >= 0 && password >= 0 && total == 78 + user + password) {
                bytes[76 + user] = 0;
                bytes[77 + user + password] = 0;
            }
        }
        return bytes;
    }
}
