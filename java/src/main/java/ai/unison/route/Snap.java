package ai.unison.route;

import ai.unison.api.Size;

/** Snapping requested sizes to what Wan-style experts accept: sides in multiples of 16 px, 4k+1 frames. */
public final class Snap {
    private Snap() {
    }

    /** The multiple of {@code m} nearest to {@code value}, at least {@code m}; halfway goes up. */
    public static int nearestMultiple(int value, int m) {
        if (m < 1) {
            throw new IllegalArgumentException("multiple must be positive, got " + m);
        }
        long rounded = ((long) value + m / 2) / m * m;
        return (int) Math.max(m, Math.min(rounded, Integer.MAX_VALUE / m * m));
    }

    /** The count of the form 4k+1 nearest to {@code frames}, at least 1; halfway goes up. */
    public static int nearestFourKPlusOne(int frames) {
        if (frames <= 1) {
            return 1;
        }
        return nearestMultiple(frames - 1, 4) + 1;
    }

    /**
     * A Wan-style executed size: the requested width and height (else the defaults) in multiples of
     * 16, and for a video the requested frames (else the default) as 4k+1; images get 1 frame.
     */
    public static Size wan(Size requested, boolean video, int defaultWidth, int defaultHeight, int defaultFrames) {
        int w = requested.width() != null ? requested.width() : defaultWidth;
        int h = requested.height() != null ? requested.height() : defaultHeight;
        int f = video ? nearestFourKPlusOne(requested.frames() != null ? requested.frames() : defaultFrames) : 1;
        return new Size(nearestMultiple(w, 16), nearestMultiple(h, 16), f);
    }
}
