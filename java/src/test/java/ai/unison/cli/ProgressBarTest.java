package ai.unison.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressBarTest {
    private final AtomicLong now = new AtomicLong();
    private final StringWriter text = new StringWriter();

    private ProgressBar bar(boolean terminal) {
        return new ProgressBar(new PrintWriter(text), terminal, now::get);
    }

    @Test
    void showsDoneTotalRateAndEta() {
        ProgressBar b = bar(true);
        b.start(4);
        now.set(1_000_000_000L);
        b.finished("a", null);
        now.set(2_000_000_000L);
        b.finished("b", null);
        assertEquals("[##############..............] 2/4  1.0 items/s  ETA 0:02", b.line());
    }

    @Test
    void onATerminalRedrawsOneLineAndPrintsFailuresAboveIt() {
        ProgressBar b = bar(true);
        b.start(2);
        now.set(500_000_000L);
        b.finished("a", "boom");
        now.set(1_000_000_000L);
        b.finished("b", null);
        b.finish();
        String out = text.toString();
        assertTrue(out.contains("\r\u001b[2Kfailed a: boom\n"), out);
        assertTrue(out.endsWith("\r\u001b[2K[############################] 2/2  2.0 items/s  ETA 0:00  1 failed\n"), out);
    }

    @Test
    void elsewhereWritesOnePlainLinePerItem() {
        ProgressBar b = bar(false);
        b.start(4);
        now.set(1_000_000_000L);
        b.finished("a", null);
        now.set(2_000_000_000L);
        b.finished("b", "timed out");
        b.finish();
        assertEquals("batch: 4 to run\n[1/4] ok a  1.0 items/s  ETA 0:03\n[2/4] FAILED b: timed out  1.0 items/s  ETA 0:02\n",
                text.toString().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void etaReadsAsAClock() {
        assertEquals("0:07", ProgressBar.clockTime(7.4));
        assertEquals("12:05", ProgressBar.clockTime(725));
        assertEquals("1:02:05", ProgressBar.clockTime(3725));
    }
}
