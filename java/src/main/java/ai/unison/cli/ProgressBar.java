package ai.unison.cli;

import ai.unison.engine.JsonlBatch;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Batch progress: on a terminal, one redrawn line with a bar, done/total, items/s and ETA (failures
 * are printed above it); otherwise one plain log line per finished item.
 */
final class ProgressBar implements JsonlBatch.Progress {
    private static final int WIDTH = 28;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintWriter out;
    private final boolean terminal;
    private final LongSupplier clock;
    private int total;
    private int done;
    private int failed;
    private long start;
    private long drawn = Long.MIN_VALUE;

    ProgressBar(PrintWriter out, boolean terminal, LongSupplier nanoClock) {
        this.out = out;
        this.terminal = terminal;
        this.clock = nanoClock;
    }

    @Override
    public void start(int count) {
        total = count;
        start = clock.getAsLong();
        if (terminal) {
            draw(true);
        } else {
            out.println("batch: " + count + " to run");
            out.flush();
        }
    }

    @Override
    public void finished(String id, String error) {
        done++;
        if (error != null) {
            failed++;
        }
        if (terminal) {
            if (error != null) {
                out.print("\r\u001b[2K");
                out.println("failed " + id + ": " + error);
            }
            draw(error != null || done == total);
        } else {
            out.println("[" + done + "/" + total + "] " + (error == null ? "ok " + id : "FAILED " + id + ": " + error)
                    + "  " + rates());
            out.flush();
        }
    }

    /** Ends the bar's line. */
    void finish() {
        if (terminal) {
            draw(true);
            out.println();
            out.flush();
        }
    }

    private void draw(boolean force) {
        long now = clock.getAsLong();
        if (!force && now - drawn < REDRAW_NANOS) {
            return;
        }
        drawn = now;
        out.print("\r\u001b[2K" + line());
        out.flush();
    }

    /** {@code [#######.....] 12/64  3.1 items/s  ETA 0:17  1 failed}. */
    String line() {
        int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * done / total);
        return "[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + done + "/" + total + "  " + rates()
                + (failed > 0 ? "  " + failed + " failed" : "");
    }

    private String rates() {
        double seconds = (clock.getAsLong() - start) / 1e9;
        double rate = seconds > 0 ? done / seconds : 0;
        String eta = rate > 0 ? clockTime((total - done) / rate) : "--:--";
        return String.format(Locale.ROOT, "%.1f items/s  ETA %s", rate, eta);
    }

    /** {@code 0:17}, {@code 12:05}, {@code 1:02:03}. */
    static String clockTime(double seconds) {
        long s = Math.round(seconds);
        long h = s / 3600;
        long m = s / 60 % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", m, s % 60);
    }
}
