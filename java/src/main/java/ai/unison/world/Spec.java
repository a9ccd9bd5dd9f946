package ai.unison.world;

import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * What an example asks for, as a scorer of any output: {@link #score} is 1 when the output does it and 0 otherwise
 * (SHAPES-WORLD.md, "ShapesEval"). Outputs of the wrong kind score 0.
 */
public sealed interface Spec {

    double score(Media output);

    /** At least one object of the shape. */
    record SingleObject(Shape shape) implements Spec {
        public double score(Media output) {
            return any(output, d -> d.shape() == shape);
        }
    }

    /** An object of each of two shapes. */
    record TwoObject(Shape first, Shape second) implements Spec {
        public double score(Media output) {
            return both(output, d -> d.shape() == first, d -> d.shape() == second);
        }
    }

    /** Exactly {@code count} objects of the shape, and of the colour when one is named (else null). */
    record Counting(Shape shape, Colour colour, int count) implements Spec {
        public double score(Media output) {
            List<Detection> found = objects(output);
            return found != null && found.stream()
                    .filter(d -> d.shape() == shape && (colour == null || d.colour() == colour)).count() == count ? 1 : 0;
        }
    }

    /** An object of the shape in the colour. */
    record Colors(Shape shape, Colour colour) implements Spec {
        public double score(Media output) {
            return any(output, d -> d.shape() == shape && d.colour() == colour);
        }
    }

    /** Some object of shape {@code first} stands in the relation to some object of shape {@code second}. */
    record Position(Shape first, Relation relation, Shape second) implements Spec {
        public double score(Media output) {
            List<Detection> found = objects(output);
            if (found == null) {
                return 0;
            }
            for (Detection a : found) {
                for (Detection b : found) {
                    if (a != b && a.shape() == first && b.shape() == second && relation.holds(a.x(), a.y(), b.x(), b.y())) {
                        return 1;
                    }
                }
            }
            return 0;
        }
    }

    /** An object of each (shape, colour) pair. */
    record ColorAttr(Shape firstShape, Colour firstColour, Shape secondShape, Colour secondColour) implements Spec {
        public double score(Media output) {
            return both(output, d -> d.shape() == firstShape && d.colour() == firstColour,
                    d -> d.shape() == secondShape && d.colour() == secondColour);
        }
    }

    /** An object of the shape and colour in the cell (categories placement and reference). */
    record Placement(Shape shape, Colour colour, Cell cell) implements Spec {
        public double score(Media output) {
            return any(output, d -> d.shape() == shape && d.colour() == colour && d.cell() == cell);
        }
    }

    /** The detected multiset of (shape, colour, cell) equals {@code items} (sorted as {@link Scene#items()}). */
    record SceneEquals(List<Item> items) implements Spec {
        public SceneEquals {
            items = Item.sorted(items);
        }

        public double score(Media output) {
            return output instanceof Media.Image image && Detector.items(image.frame()).equals(items) ? 1 : 0;
        }
    }

    /**
     * Round trip: the image, captioned by the model and generated again from that caption, shows these items. The
     * score applies to the regenerated image; {@link ShapesEval#evaluate} makes both calls.
     */
    record RoundTrip(List<Item> items) implements Spec {
        public RoundTrip {
            items = Item.sorted(items);
        }

        public double score(Media output) {
            return new SceneEquals(items).score(output);
        }
    }

    /**
     * Image control: for each outline's filled region (pixel indices on a W×H canvas) an object of the asked colour
     * whose mask has IoU ≥ 0.5 with it.
     */
    record Control(int width, int height, List<BitSet> regions, List<Colour> colours) implements Spec {
        public Control {
            regions = List.copyOf(regions);
            colours = List.copyOf(colours);
            if (regions.size() != colours.size()) {
                throw new IllegalArgumentException(regions.size() + " regions but " + colours.size() + " colours");
            }
        }

        public double score(Media output) {
            if (!(output instanceof Media.Image image) || image.frame().width() != width || image.frame().height() != height) {
                return 0;
            }
            List<Detection> found = Detector.detect(image.frame());
            for (int i = 0; i < regions.size(); i++) {
                BitSet region = regions.get(i);
                Colour colour = colours.get(i);
                if (found.stream().noneMatch(d -> d.colour() == colour && iou(d.mask(), region) >= 0.5)) {
                    return 0;
                }
            }
            return 1;
        }

        @Override
        public String toString() {
            return "Control[" + width + "x" + height + ", colours=" + colours + "]";
        }
    }

    /** A clip whose first frame satisfies {@code first} and whose last frame satisfies {@code last}. */
    record AtEnds(Spec first, Spec last) implements Spec {
        public double score(Media output) {
            if (!(output instanceof Media.Video video)) {
                return 0;
            }
            List<Frame> frames = video.frames();
            return first.score(new Media.Image(frames.get(0))) * last.score(new Media.Image(frames.get(frames.size() - 1)));
        }
    }

    /**
     * The object of the shape and colour (the largest if several) is in the first and last frames and in ≥ 90% of
     * all frames, and moves the asked way by ≥ 0.2 of the canvas along the axis, or grows/shrinks by a side ratio of
     * at least 1.3.
     */
    record VideoMotion(Shape shape, Colour colour, Motion motion) implements Spec {
        static final double MIN_PRESENCE = 0.9;
        static final double MIN_TRAVEL = 0.2;
        static final double MIN_RATIO = 1.3;

        public double score(Media output) {
            if (!(output instanceof Media.Video video)) {
                return 0;
            }
            List<Frame> frames = video.frames();
            Detection[] track = new Detection[frames.size()];
            int present = 0;
            for (int k = 0; k < frames.size(); k++) {
                track[k] = Detector.detect(frames.get(k)).stream()
                        .filter(d -> d.shape() == shape && d.colour() == colour)
                        .max(Comparator.comparingInt(Detection::area)).orElse(null);
                present += track[k] == null ? 0 : 1;
            }
            Detection first = track[0];
            Detection last = track[frames.size() - 1];
            if (first == null || last == null || present < MIN_PRESENCE * frames.size()) {
                return 0;
            }
            boolean moved = switch (motion) {
                case GROWS -> side(last) / side(first) >= MIN_RATIO;
                case SHRINKS -> side(last) / side(first) <= 1 / MIN_RATIO;
                default -> (last.x() - first.x()) * motion.dx() + (last.y() - first.y()) * motion.dy() >= MIN_TRAVEL;
            };
            return moved ? 1 : 0;
        }

        private static double side(Detection d) {
            return (d.boxWidth() + d.boxHeight()) / 2.0;
        }
    }

    /**
     * Image to video: the given frame is reproduced as the first (or, when {@code last}, the last) frame: equal
     * detected scene and PSNR ≥ 28 dB.
     */
    record Fidelity(Frame given, boolean last) implements Spec {
        static final double MIN_PSNR = 28;

        public Fidelity {
            Objects.requireNonNull(given, "given");
        }

        public double score(Media output) {
            if (!(output instanceof Media.Video video)) {
                return 0;
            }
            List<Frame> frames = video.frames();
            Frame end = last ? frames.get(frames.size() - 1) : frames.get(0);
            boolean same = end.width() == given.width() && end.height() == given.height()
                    && Detector.items(end).equals(Detector.items(given)) && Frame.psnr(end, given) >= MIN_PSNR;
            return same ? 1 : 0;
        }
    }

    /** A short answer, compared after {@link Answers#normalize}. */
    record Answer(String expected) implements Spec {
        public double score(Media output) {
            return output instanceof Media.Text text && Answers.matches(text.text(), expected) ? 1 : 0;
        }
    }

    /** The known objects detected in an image output, or null when the output is no image. */
    private static List<Detection> objects(Media output) {
        return output instanceof Media.Image image
                ? Detector.detect(image.frame()).stream().filter(Detection::known).toList()
                : null;
    }

    private static double any(Media output, Predicate<Detection> wanted) {
        List<Detection> found = objects(output);
        return found != null && found.stream().anyMatch(wanted) ? 1 : 0;
    }

    private static double both(Media output, Predicate<Detection> a, Predicate<Detection> b) {
        List<Detection> found = objects(output);
        return found != null && found.stream().anyMatch(a) && found.stream().anyMatch(b) ? 1 : 0;
    }

    private static double iou(BitSet a, BitSet b) {
        BitSet inter = (BitSet) a.clone();
        inter.and(b);
        BitSet union = (BitSet) a.clone();
        union.or(b);
        return union.isEmpty() ? 0 : (double) inter.cardinality() / union.cardinality();
    }
}
