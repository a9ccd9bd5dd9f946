package ai.unison.world;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Draws scenes: flat interiors and edges anti-aliased by 4×4 supersampled coverage. An object's own pixels (its
 * mask) are those it covers at least half of.
 */
public final class Renderer {
    private static final int SUB = 4;
    private static final int SAMPLES = SUB * SUB;
    private static final int WHITE = 0xFFFFFF;
    private static final int BLACK = 0x000000;

    private Renderer() {}

    public static Frame render(Scene scene, int width, int height) {
        Frame f = Frame.filled(width, height, scene.background().rgb());
        for (SceneObject o : scene.objects()) {
            visitCoverage(o, width, height, (x, y, covered) -> f.set(x, y, blend(f.rgb(x, y), o.colour().rgb(), covered)));
        }
        return f;
    }

    public static List<Frame> render(Clip clip, int width, int height) {
        List<Frame> frames = new ArrayList<>(clip.frames());
        for (int k = 0; k < clip.frames(); k++) {
            frames.add(render(clip.sceneAt(k), width, height));
        }
        return frames;
    }

    /** On black, the 1-px white outline of each object: its own pixels with a 4-neighbour outside it. */
    public static Frame outline(Scene scene, int width, int height) {
        Frame f = Frame.filled(width, height, BLACK);
        for (SceneObject o : scene.objects()) {
            BitSet mask = mask(o, width, height);
            for (int i = mask.nextSetBit(0); i >= 0; i = mask.nextSetBit(i + 1)) {
                int x = i % width;
                int y = i / width;
                boolean inner = x > 0 && x < width - 1 && y > 0 && y < height - 1
                        && mask.get(i - 1) && mask.get(i + 1) && mask.get(i - width) && mask.get(i + width);
                if (!inner) {
                    f.set(i, WHITE);
                }
            }
        }
        return f;
    }

    public static List<Frame> outline(Clip clip, int width, int height) {
        List<Frame> frames = new ArrayList<>(clip.frames());
        for (int k = 0; k < clip.frames(); k++) {
            frames.add(outline(clip.sceneAt(k), width, height));
        }
        return frames;
    }

    /** One object centred on the gray background, at its own size. */
    public static Frame reference(SceneObject o, int width, int height) {
        return render(new Scene(Background.GRAY, List.of(o.at(0.5, 0.5))), width, height);
    }

    /** An edit mask: white over every pixel that touches the box grown by {@code pad} pixels, black elsewhere. */
    static Frame editMask(Box box, double pad, int width, int height) {
        Frame f = Frame.filled(width, height, BLACK);
        Box b = box.grow(pad);
        int x0 = Math.max(0, (int) Math.floor(b.left()));
        int x1 = Math.min(width, (int) Math.ceil(b.right()));
        int y0 = Math.max(0, (int) Math.floor(b.top()));
        int y1 = Math.min(height, (int) Math.ceil(b.bottom()));
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                f.set(x, y, WHITE);
            }
        }
        return f;
    }

    /** The object's own pixels (row-major index y·W + x): those it covers at least half of. */
    static BitSet mask(SceneObject o, int width, int height) {
        BitSet mask = new BitSet(width * height);
        visitCoverage(o, width, height, (x, y, covered) -> {
            if (2 * covered >= SAMPLES) {
                mask.set(y * width + x);
            }
        });
        return mask;
    }

    private interface CoverageVisitor {
        void visit(int x, int y, int covered);
    }

    /** Calls the visitor for every pixel the object covers at least one sample of, with the covered count of 16. */
    private static void visitCoverage(SceneObject o, int width, int height, CoverageVisitor visitor) {
        Box box = o.box(width, height);
        double cx = o.x() * width;
        double cy = o.y() * height;
        double half = (box.right() - box.left()) / 2;
        int x0 = Math.max(0, (int) Math.floor(box.left()));
        int x1 = Math.min(width, (int) Math.ceil(box.right()));
        int y0 = Math.max(0, (int) Math.floor(box.top()));
        int y1 = Math.min(height, (int) Math.ceil(box.bottom()));
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                int covered = 0;
                for (int j = 0; j < SUB; j++) {
                    double v = y + (j + 0.5) / SUB - cy;
                    for (int i = 0; i < SUB; i++) {
                        double u = x + (i + 0.5) / SUB - cx;
                        if (inside(o.shape(), u, v, half)) {
                            covered++;
                        }
                    }
                }
                if (covered > 0) {
                    visitor.visit(x, y, covered);
                }
            }
        }
    }

    /** Whether the offset (u, v) from the centre lies in the shape of bounding-box half-side {@code half}. */
    private static boolean inside(Shape shape, double u, double v, double half) {
        return switch (shape) {
            case SQUARE -> Math.abs(u) <= half && Math.abs(v) <= half;
            case CIRCLE -> u * u + v * v <= half * half;
            // isosceles, apex up at (0, -half), base = height = 2·half along v = half
            case TRIANGLE -> v <= half && Math.abs(u) <= (v + half) / 2;
        };
    }

    private static int blend(int under, int over, int covered) {
        if (covered == SAMPLES) {
            return over;
        }
        int out = 0;
        for (int shift = 16; shift >= 0; shift -= 8) {
            int a = under >> shift & 0xFF;
            int b = over >> shift & 0xFF;
            out |= (int) Math.round(a + (b - a) * (double) covered / SAMPLES) << shift;
        }
        return out;
    }
}
