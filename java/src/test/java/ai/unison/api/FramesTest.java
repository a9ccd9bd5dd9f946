package ai.unison.api;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FramesTest {
    @Test
    void indexesThwcAndReadsUnsignedBytes() {
        byte[] data = new byte[2 * 2 * 3 * 3];
        data[((1 * 2 + 1) * 3 + 2) * 3 + 1] = (byte) 200;
        Frames f = Frames.of(2, 2, 3, 3, data);
        assertEquals(200, f.get(1, 1, 2, 1));
        assertEquals(0, f.get(0, 1, 2, 1));
        assertArrayEquals(new long[] {2, 2, 3, 3}, f.shape());
        assertEquals("Frames[2×2×3×3]", f.toString());
    }

    @Test
    void isImmutableAndComparedByContent() {
        byte[] data = {1, 2, 3, 4};
        Frames f = Frames.image(2, 2, 1, data);
        data[0] = 9;
        assertEquals(1, f.get(0, 0, 0, 0));
        f.toBytes()[1] = 9;
        assertEquals(2, f.get(0, 0, 1, 0));
        assertEquals(Frames.image(2, 2, 1, new byte[] {1, 2, 3, 4}), f);
        assertNotEquals(Frames.image(1, 4, 1, new byte[] {1, 2, 3, 4}), f);
    }

    @Test
    void refusesALengthThatDoesNotMatchTheShape() {
        var e = assertThrows(IllegalArgumentException.class, () -> Frames.of(2, 4, 4, 3, new byte[95]));
        assertEquals("frames 2×4×4×3 need 96 bytes, got 95", e.getMessage());
    }
}
