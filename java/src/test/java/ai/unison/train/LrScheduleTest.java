package ai.unison.train;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LrScheduleTest {
    private final LrSchedule schedule = new LrSchedule(1e-3, 10, 110, 1e-4);

    @Test
    void warmsUpLinearlyToThePeak() {
        assertEquals(1e-4, schedule.at(0), 1e-12);
        assertEquals(5e-4, schedule.at(4), 1e-12);
        assertEquals(1e-3, schedule.at(9), 1e-12);
    }

    @Test
    void decaysByCosineFromThePeakToTheFloor() {
        assertEquals(1e-3, schedule.at(10), 1e-12);
        assertEquals((1e-3 + 1e-4) / 2, schedule.at(60), 1e-12);
        assertEquals(1e-4 + 0.9e-3 * 0.5 * (1 + Math.cos(Math.PI / 4)), schedule.at(35), 1e-12);
        assertEquals(1e-4, schedule.at(110), 1e-12);
        assertEquals(1e-4, schedule.at(500), 1e-12);
    }

    @Test
    void rejectsAWarmUpLongerThanTraining() {
        String msg = assertThrows(IllegalArgumentException.class, () -> new LrSchedule(1e-3, 20, 10, 0)).getMessage();
        assertEquals("need 0 <= warmup <= total and total >= 1, got warmup 20, total 10", msg);
    }
}
