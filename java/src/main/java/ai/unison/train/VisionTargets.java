package ai.unison.train;

import ai.unison.world.Cell;
import ai.unison.world.Colour;
import ai.unison.world.Detection;
import ai.unison.world.Detector;
import ai.unison.world.Frame;
import ai.unison.world.Media;
import ai.unison.world.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Dense targets for the vision tower: for each merged vision token of a shapes-world image or clip, the colour,
 * shape and grid cell of the object that covers most of the token's region in the frames that token sees, or
 * "nothing" where the background dominates. Objects are found by the {@link Detector} on the source frames
 * (it scores ground-truth renders right), so the targets need nothing but the pixels. A linear head on the merged
 * tokens learns them beside the answer loss ({@link VlPlannerTrainer}): every token of every attachment is
 * supervised, not only through the one short answer a question has.
 *
 * <p>Tokens are in the order the merger emits them: temporal patch, then merged row, then merged column.
 *
 * @param colour per token 0 (nothing) or 1 + {@link Colour#ordinal()}
 * @param shape  per token 0 (nothing) or 1 + {@link Shape#ordinal()}
 * @param cell   per token the object's grid cell ({@link Cell#ordinal()}), {@link #IGNORE} where nothing is
 */
record VisionTargets(long[] colour, long[] shape, long[] cell) {
    static final int COLOURS = Colour.values().length + 1;
    static final int SHAPES = Shape.values().length + 1;
    static final int CELLS = Cell.values().length;
    /** Cross-entropy's ignore index. */
    static final long IGNORE = -100;
    /** An object names a token when it covers at least this fraction of the token's region in one of its frames. */
    static final double MIN_COVER = 0.05;

    int tokens() {
        return colour.length;
    }

    /**
     * The frames each temporal patch of {@code m} sees, in order, as the image processor and the 2-fps video sampling
     * of {@link ai.unison.plan.VisionAnswer} give them to the tower: an image's one frame repeated to the temporal
     * patch; a clip's sampled frames (world clips run at {@link ai.unison.io.Media#PIXELS_FPS}).
     */
    static List<Frame> seenFrames(Media m, int temporal) {
        List<Frame> out = new ArrayList<>();
        if (m instanceof Media.Image image) {
            for (int i = 0; i < temporal; i++) {
                out.add(image.frame());
            }
        } else if (m instanceof Media.Video video) {
            int[] idx = ai.unison.io.Media.sampledIndices(video.frames().size(), ai.unison.io.Media.PIXELS_FPS,
                    ai.unison.io.Media.DEFAULT_SAMPLE_FPS, ai.unison.io.Media.DEFAULT_SAMPLE_MAX_FRAMES);
            for (int i : idx) {
                out.add(video.frames().get(i));
            }
            while (out.size() % temporal != 0) {
                out.add(out.get(out.size() - 1));
            }
        } else {
            throw new IllegalArgumentException("text has no vision tokens");
        }
        return out;
    }

    /**
     * The targets of one attachment whose processed grid is {@code gridThw} (temporal patches, patch rows, patch
     * columns) over {@code seen} ({@link #seenFrames}): {@code gridThw[0] · temporal} frames of the source size.
     */
    static VisionTargets of(List<Frame> seen, int[] gridThw, int patch, int merge, int temporal) {
        if (seen.size() != gridThw[0] * temporal) {
            throw new IllegalArgumentException(seen.size() + " frames for " + gridThw[0] + " temporal patches of "
                    + temporal);
        }
        int w = seen.get(0).width();
        int h = seen.get(0).height();
        int rows = gridThw[1] / merge;
        int cols = gridThw[2] / merge;
        int n = gridThw[0] * rows * cols;
        long[] colour = new long[n];
        long[] shape = new long[n];
        long[] cell = new long[n];
        List<List<Detection>> found = new ArrayList<>();
        List<int[]> owners = new ArrayList<>();
        for (Frame f : seen) {
            List<Detection> d = Detector.detect(f);
            found.add(d);
            owners.add(owners(d, w, h));
        }
        int k = 0;
        for (int t = 0; t < gridThw[0]; t++) {
            for (int r = 0; r < rows; r++) {
                int y0 = (int) ((long) r * h / rows);
                int y1 = (int) ((long) (r + 1) * h / rows);
                for (int c = 0; c < cols; c++, k++) {
                    int x0 = (int) ((long) c * w / cols);
                    int x1 = (int) ((long) (c + 1) * w / cols);
                    Detection best = null;
                    int bestCount = 0;
                    for (int j = 0; j < temporal; j++) {
                        int frame = t * temporal + j;
                        int[] owner = owners.get(frame);
                        int[] counts = new int[found.get(frame).size()];
                        for (int y = y0; y < y1; y++) {
                            for (int x = x0; x < x1; x++) {
                                int o = owner[y * w + x];
                                if (o >= 0) {
                                    counts[o]++;
                                }
                            }
                        }
                        for (int i = 0; i < counts.length; i++) {
                            if (counts[i] > bestCount) {
                                bestCount = counts[i];
                                best = found.get(frame).get(i);
                            }
                        }
                    }
                    if (best == null || bestCount < MIN_COVER * (y1 - y0) * (x1 - x0)) {
                        cell[k] = IGNORE;
                    } else {
                        colour[k] = 1 + best.colour().ordinal();
                        shape[k] = 1 + best.shape().ordinal();
                        cell[k] = best.cell().ordinal();
                    }
                }
            }
        }
        return new VisionTargets(colour, shape, cell);
    }

    /** Per pixel the index of the known detection that holds it, else -1. */
    private static int[] owners(List<Detection> found, int w, int h) {
        int[] owner = new int[w * h];
        java.util.Arrays.fill(owner, -1);
        for (int i = 0; i < found.size(); i++) {
            Detection d = found.get(i);
            if (!d.known()) {
                continue;
            }
            for (int p = d.mask().nextSetBit(0); p >= 0; p = d.mask().nextSetBit(p + 1)) {
                owner[p] = i;
            }
        }
        return owner;
    }
}
