package ai.unison.route;

import ai.unison.api.Size;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SnapTest {
    @Test
    void roundsToTheNearestMultipleHalfwayUpAndNeverBelowOne() {
        assertEquals(96, Snap.nearestMultiple(100, 16));
        assertEquals(64, Snap.nearestMultiple(70, 16));
        assertEquals(80, Snap.nearestMultiple(72, 16), "halfway goes up");
        assertEquals(16, Snap.nearestMultiple(3, 16));
        assertEquals(16, Snap.nearestMultiple(0, 16));
        assertEquals(832, Snap.nearestMultiple(832, 16));
    }

    @Test
    void framesBecomeFourKPlusOne() {
        assertEquals(1, Snap.nearestFourKPlusOne(0));
        assertEquals(1, Snap.nearestFourKPlusOne(1));
        assertEquals(5, Snap.nearestFourKPlusOne(4));
        assertEquals(81, Snap.nearestFourKPlusOne(81));
        assertEquals(73, Snap.nearestFourKPlusOne(73));
        assertEquals(53, Snap.nearestFourKPlusOne(51), "halfway goes up");
        assertEquals(49, Snap.nearestFourKPlusOne(50));
    }

    @Test
    void wanStyleFillsUnstatedFieldsWithDefaults() {
        assertEquals(new Size(832, 480, 81), Snap.wan(new Size(null, null, null), true, 832, 480, 81));
        assertEquals(new Size(768, 480, 73), Snap.wan(new Size(768, 480, 73), true, 832, 480, 81));
        assertEquals(new Size(1280, 720, 1), Snap.wan(new Size(1280, 720, 1), false, 832, 480, 81));
        assertEquals(new Size(1024, 768, 1), Snap.wan(new Size(1023, 770, null), false, 832, 480, 81));
    }
}
