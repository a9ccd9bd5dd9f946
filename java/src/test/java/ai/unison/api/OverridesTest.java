package ai.unison.api;

import java.time.Duration;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class OverridesTest {
    @Test
    void refusesValuesThatCannotRunNamingThem() {
        assertEquals("steps must be at least 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> new Overrides(null, 0, null, null, null, null, null, null)).getMessage());
        assertEquals("guidance must be a finite number ≥ 0, got NaN",
                assertThrows(IllegalArgumentException.class, () -> new Overrides(null, null, Double.NaN, null, null, null, null, null)).getMessage());
        assertEquals("size override has width 640 but height null; give both or neither",
                assertThrows(IllegalArgumentException.class, () -> new Overrides(null, null, null, null, 640, null, null, null)).getMessage());
        assertEquals("size override 0×480 must be positive",
                assertThrows(IllegalArgumentException.class, () -> new Overrides(null, null, null, null, 0, 480, null, null)).getMessage());
        assertEquals("frames override must be at least 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> new Overrides(null, null, null, null, null, null, 0, null)).getMessage());
        assertEquals("timeout must be positive, got PT0S",
                assertThrows(IllegalArgumentException.class, () -> new Overrides(null, null, null, null, null, null, null, Duration.ZERO)).getMessage());
    }

    @Test
    void orElseTakesEachFieldFromTheFallbackOnlyWhereUnset() {
        Overrides mine = new Overrides(1L, null, 2.0, null, 64, 32, null, null);
        Overrides defaults = new Overrides(null, 10, 5.0, "unipc", 640, 480, 81, Duration.ofSeconds(9));
        assertEquals(new Overrides(1L, 10, 2.0, "unipc", 64, 32, 81, Duration.ofSeconds(9)), mine.orElse(defaults));
    }

    @Test
    void settingsFillFromTheExpertDefaults() {
        assertEquals(new Settings(12, 5.0, "euler"),
                new Overrides(null, 12, null, "euler", null, null, null, null).settings(new Settings(30, 5.0, "unipc")));
    }
}
