package ai.unison.world;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The reference detector of SHAPES-WORLD.md. */
public final class Detector {
    /** Euclidean RGB distance within which a pixel takes the background or a palette colour. */
    static final int MATCH_DISTANCE = 60;
    /** Components under this fraction of the canvas are dropped. */
    static final double MIN_AREA = 0.005;

    private static final int BACKGROUND = -1;
    private static final int UNLABELLED = -2;
    private static final Colour[] PALETTE = Colour.values();

    private Detector() {}

    /** All components of at least 0.5% of the canvas, in scan order of their first pixel. */
    public static List<Detection> detect(Frame frame) {
        int w = frame.width();
        int h = frame.height();
        int[] labels = label(frame, borderMode(frame));
        double minArea = MIN_AREA * w * h;
        boolean[] seen = new boolean[w * h];
        int[] queue = new int[w * h];
        List<Detection> found = new ArrayList<>();
        for (int start = 0; start < w * h; start++) {
            int colour = labels[start];
            if (colour < 0 || seen[start]) {
                continue;
            }
            int head = 0;
            int tail = 0;
            queue[tail++] = start;
            seen[start] = true;
            int left = w, top = h, right = -1, bottom = -1;
            while (head < tail) {
                int p = queue[head++];
                int x = p % w;
                int y = p / w;
                left = Math.min(left, x);
                right = Math.max(right, x);
                top = Math.min(top, y);
                bottom = Math.max(bottom, y);
                if (x > 0) tail = visit(p - 1, colour, labels, seen, queue, tail);
                if (x < w - 1) tail = visit(p + 1, colour, labels, seen, queue, tail);
                if (y > 0) tail = visit(p - w, colour, labels, seen, queue, tail);
                if (y < h - 1) tail = visit(p + w, colour, labels, seen, queue, tail);
            }
            int area = tail;
            if (area < minArea) {
                continue;
            }
            BitSet mask = new BitSet(w * h);
            for (int i = 0; i < area; i++) {
                mask.set(queue[i]);
            }
            double cx = (left + right + 1) / 2.0 / w;
            double cy = (top + bottom + 1) / 2.0 / h;
            found.add(new Detection(classify(area, right - left + 1, bottom - top + 1), PALETTE[colour],
                    left, top, right, bottom, cx, cy, Cell.nearest(cx, cy), area, mask));
        }
        return found;
    }

    /** The sorted multiset of (shape, colour, cell) of the detected objects; unknown components are ignored. */
    public static List<Item> items(Frame frame) {
        return Item.sorted(detect(frame).stream().filter(Detection::known).map(Detection::item).toList());
    }

    private static int visit(int p, int colour, int[] labels, boolean[] seen, int[] queue, int tail) {
        if (!seen[p] && labels[p] == colour) {
            seen[p] = true;
            queue[tail++] = p;
        }
        return tail;
    }

    /** Shape by fill ratio, for boxes of aspect in [0.75, 1.33]; null for anything else. */
    static Shape classify(int area, int boxWidth, int boxHeight) {
        double aspect = (double) boxWidth / boxHeight;
        if (aspect < 0.75 || aspect > 1.33) {
            return null;
        }
        double fill = (double) area / ((double) boxWidth * boxHeight);
        if (fill >= 0.90) {
            return Shape.SQUARE;
        }
        if (fill >= 0.65) {
            return Shape.CIRCLE;
        }
        if (fill >= 0.35) {
            return Shape.TRIANGLE;
        }
        return null;
    }

    /** The most common colour along the canvas border. */
    static int borderMode(Frame f) {
        Map<Integer, Integer> counts = new HashMap<>();
        int w = f.width();
        int h = f.height();
        for (int x = 0; x < w; x++) {
            counts.merge(f.rgb(x, 0), 1, Integer::sum);
            if (h > 1) {
                counts.merge(f.rgb(x, h - 1), 1, Integer::sum);
            }
        }
        for (int y = 1; y < h - 1; y++) {
            counts.merge(f.rgb(0, y), 1, Integer::sum);
            if (w > 1) {
                counts.merge(f.rgb(w - 1, y), 1, Integer::sum);
            }
        }
        int best = 0;
        int bestCount = -1;
        for (Map.Entry<Integer, Integer> e : counts.entrySet()) {
            if (e.getValue() > bestCount || e.getValue() == bestCount && e.getKey() < best) {
                best = e.getKey();
                bestCount = e.getValue();
            }
        }
        return best;
    }

    /** Per pixel: the palette ordinal, {@link #BACKGROUND} or {@link #UNLABELLED}. */
    private static int[] label(Frame f, int background) {
        int limit = MATCH_DISTANCE * MATCH_DISTANCE;
        int[] labels = new int[f.width() * f.height()];
        for (int i = 0; i < labels.length; i++) {
            int rgb = f.rgb(i);
            if (distance2(rgb, background) <= limit) {
                labels[i] = BACKGROUND;
                continue;
            }
            int best = UNLABELLED;
            int bestDistance = limit + 1;
            for (Colour c : PALETTE) {
                int d = distance2(rgb, c.rgb());
                if (d < bestDistance) {
                    best = c.ordinal();
                    bestDistance = d;
                }
            }
            labels[i] = best;
        }
        return labels;
    }

    private static int distance2(int a, int b) {
        int dr = (a >> 16 & 0xFF) - (b >> 16 & 0xFF);
        int dg = (a >> 8 & 0xFF) - (b >> 8 & 0xFF);
        int db = (a & 0xFF) - (b & 0xFF);
        return dr * dr + dg * dg + db * db;
    }
}
