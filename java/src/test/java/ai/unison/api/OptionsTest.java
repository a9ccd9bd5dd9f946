package ai.unison.api;

import java.time.Duration;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class OptionsTest {
    @Test
    void defaultsBlockWithRoomForTwoHundredFiftySixPerPriority() {
        Options o = Options.defaults();
        assertEquals("auto", o.device());
        assertEquals(256, o.queueCapacity());
        assertEquals(Options.Backpressure.BLOCK, o.backpressure());
        assertEquals(8L << 30, o.memoryBudget());
    }

    @Test
    void timeoutShorthandKeepsOtherDefaults() {
        Options o = Options.builder().requestDefaults(new Overrides(null, 7, null, null, null, null, null, null))
                .timeout(Duration.ofSeconds(3)).build();
        assertEquals(7, o.requestDefaults().steps());
        assertEquals(Duration.ofSeconds(3), o.requestDefaults().timeout());
        assertEquals(o, o.toBuilder().build());
    }

    @Test
    void refusesASeedForEveryRequestAndNonsenseSizes() {
        var e = assertThrows(IllegalArgumentException.class, () -> Options.builder()
                .requestDefaults(new Overrides(1L, null, null, null, null, null, null, null)).build());
        assertEquals("request defaults cannot fix a seed for every request; set Options.seed to make seeds reproducible", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Options.builder().queueCapacity(0).build());
        assertThrows(IllegalArgumentException.class, () -> Options.builder().memoryBudget(0).build());
        assertThrows(IllegalArgumentException.class, () -> new BatchOptions(0, Priority.BATCH));
    }
}
