package ai.unison.world;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Many frames composed into one grid image, optionally with a score printed under each. */
public final class ContactSheet {
    private static final int GAP = 2;
    private static final int GLYPH_W = 3;
    private static final int GLYPH_H = 5;
    private static final int SCALE = 2;
    private static final int STRIP = GLYPH_H * SCALE + 4;
    private static final int PAPER = 0x202020;
    private static final int INK = 0xFFFFFF;
    /** 3×5 glyphs for "0123456789.-", one row of three bits per line, top first. */
    private static final String GLYPHS = "0123456789.-";
    private static final int[][] BITMAPS = {
            {7, 5, 5, 5, 7}, {2, 6, 2, 2, 7}, {7, 1, 7, 4, 7}, {7, 1, 7, 1, 7}, {5, 5, 7, 1, 1},
            {7, 4, 7, 1, 7}, {7, 4, 7, 5, 7}, {7, 1, 1, 1, 1}, {7, 5, 7, 5, 7}, {7, 5, 7, 1, 7},
            {0, 0, 0, 0, 2}, {0, 0, 7, 0, 0}};

    private ContactSheet() {}

    /** The frames in rows of {@code columns}, each cell as large as the largest frame. */
    public static Frame compose(List<Frame> frames, int columns) {
        return compose(frames, columns, null);
    }

    /** As {@link #compose(List, int)}, with each score (e.g. 0.75) printed in a strip under its frame. */
    public static Frame compose(List<Frame> frames, int columns, List<Double> scores) {
        if (frames.isEmpty() || columns < 1) {
            throw new IllegalArgumentException("need frames and at least one column");
        }
        if (scores != null && scores.size() != frames.size()) {
            throw new IllegalArgumentException(frames.size() + " frames but " + scores.size() + " scores");
        }
        int cellW = frames.stream().mapToInt(Frame::width).max().orElseThrow();
        int cellH = frames.stream().mapToInt(Frame::height).max().orElseThrow() + (scores == null ? 0 : STRIP);
        int rows = (frames.size() + columns - 1) / columns;
        int cols = Math.min(columns, frames.size());
        Frame sheet = Frame.filled(cols * (cellW + GAP) + GAP, rows * (cellH + GAP) + GAP, PAPER);
        for (int i = 0; i < frames.size(); i++) {
            int x0 = GAP + (i % columns) * (cellW + GAP);
            int y0 = GAP + (i / columns) * (cellH + GAP);
            Frame f = frames.get(i);
            for (int y = 0; y < f.height(); y++) {
                for (int x = 0; x < f.width(); x++) {
                    sheet.set(x0 + x, y0 + y, f.rgb(x, y));
                }
            }
            if (scores != null) {
                print(sheet, String.format(Locale.ROOT, "%.2f", scores.get(i)), x0 + 2, y0 + cellH - STRIP + 2);
            }
        }
        return sheet;
    }

    public static void write(List<Frame> frames, int columns, List<Double> scores, Path png) throws IOException {
        compose(frames, columns, scores).writePng(png);
    }

    private static void print(Frame sheet, String text, int x0, int y0) {
        for (int c = 0; c < text.length(); c++) {
            int g = GLYPHS.indexOf(text.charAt(c));
            if (g < 0) {
                continue;
            }
            for (int row = 0; row < GLYPH_H; row++) {
                for (int col = 0; col < GLYPH_W; col++) {
                    if ((BITMAPS[g][row] >> (GLYPH_W - 1 - col) & 1) == 1) {
                        fill(sheet, x0 + (c * (GLYPH_W + 1) + col) * SCALE, y0 + row * SCALE);
                    }
                }
            }
        }
    }

    private static void fill(Frame sheet, int x, int y) {
        for (int dy = 0; dy < SCALE; dy++) {
            for (int dx = 0; dx < SCALE; dx++) {
                if (x + dx < sheet.width() && y + dy < sheet.height()) {
                    sheet.set(x + dx, y + dy, INK);
                }
            }
        }
    }
}
