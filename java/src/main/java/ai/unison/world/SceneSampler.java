package ai.unison.world;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Seeded random scenes and clips for one canvas. Objects go either exactly on cell centres (when text describes
 * where they are) or anywhere, at least {@link #CELL_MARGIN} away from the lines between cells so that their cell
 * is never in doubt.
 */
final class SceneSampler {
    /** Normalised distance a free object's centre keeps from the lines between cells. */
    static final double CELL_MARGIN = 0.03;
    /** Shortest travel of a moving object, as a fraction of the canvas along its axis. */
    static final double MIN_TRAVEL = 0.4;

    private static final int TRIES = 200;

    private final SplittableRandom rng;
    private final int width;
    private final int height;

    SceneSampler(SplittableRandom rng, int width, int height) {
        this.rng = rng;
        this.width = width;
        this.height = height;
    }

    int width() {
        return width;
    }

    int height() {
        return height;
    }

    boolean chance(double p) {
        return rng.nextDouble() < p;
    }

    /** Uniform in [lo, hi]. */
    int between(int lo, int hi) {
        return rng.nextInt(lo, hi + 1);
    }

    double uniform(double lo, double hi) {
        return lo + (hi - lo) * rng.nextDouble();
    }

    <T> T pick(List<T> list) {
        return list.get(rng.nextInt(list.size()));
    }

    @SafeVarargs
    final <T> T pick(T... options) {
        return options[rng.nextInt(options.length)];
    }

    <T> List<T> shuffled(List<T> list) {
        List<T> copy = new ArrayList<>(list);
        for (int i = copy.size() - 1; i > 0; i--) {
            Collections.swap(copy, i, rng.nextInt(i + 1));
        }
        return copy;
    }

    /** Gray most of the time. */
    Background background() {
        double p = rng.nextDouble();
        return p < 0.6 ? Background.GRAY : p < 0.8 ? Background.BLACK : Background.WHITE;
    }

    Shape shape() {
        return pick(Shape.values());
    }

    ObjSize size() {
        return pick(ObjSize.values());
    }

    /** A colour visible on the background and not among {@code excluded}. */
    Colour colour(Background background, Colour... excluded) {
        List<Colour> options = new ArrayList<>();
        for (Colour c : Colour.values()) {
            if (c.visibleOn(background) && !List.of(excluded).contains(c)) {
                options.add(c);
            }
        }
        return pick(options);
    }

    /** A random object at the canvas centre (callers place it). */
    SceneObject object(Background background) {
        return new SceneObject(shape(), colour(background), size().side(), 0.5, 0.5);
    }

    /** {@code n} random objects with pairwise different (shape, colour), so that "the red circle" is unambiguous. */
    List<SceneObject> distinctObjects(Background background, int n) {
        List<SceneObject> objects = new ArrayList<>();
        while (objects.size() < n) {
            SceneObject o = object(background);
            if (objects.stream().noneMatch(p -> p.shape() == o.shape() && p.colour() == o.colour())) {
                objects.add(o);
            }
        }
        return objects;
    }

    /** {@code n} different random cells. */
    List<Cell> cells(int n) {
        return shuffled(List.of(Cell.values())).subList(0, n);
    }

    /** The objects exactly on the given cells (always fits: see SHAPES-WORLD's sizes). */
    Scene onCells(Background background, List<SceneObject> objects, List<Cell> cells) {
        List<SceneObject> placed = new ArrayList<>();
        for (int i = 0; i < objects.size(); i++) {
            placed.add(objects.get(i).at(cells.get(i).x(), cells.get(i).y()));
        }
        return new Scene(background, placed);
    }

    Scene onGrid(Background background, List<SceneObject> objects) {
        return onCells(background, objects, cells(objects.size()));
    }

    /** The objects anywhere on the canvas. */
    Scene free(Background background, List<SceneObject> objects) {
        for (int attempt = 0; attempt < TRIES; attempt++) {
            List<SceneObject> placed = placeFree(objects, new ArrayList<>(), List.of());
            if (placed != null) {
                return new Scene(background, placed);
            }
        }
        throw new IllegalStateException("no free placement of " + objects.size() + " objects on " + width + "x" + height);
    }

    /** The objects anywhere, but each in a cell of its own, so that a canonical caption pins the scene down. */
    Scene spread(Background background, List<SceneObject> objects) {
        while (true) {
            Scene scene = free(background, objects);
            if (scene.objects().stream().map(SceneObject::cell).distinct().count() == objects.size()) {
                return scene;
            }
        }
    }

    /** The scene with one more object somewhere free, or null when none was found. */
    Scene addFree(Scene scene, SceneObject o) {
        List<SceneObject> placed = placeFree(List.of(o), new ArrayList<>(scene.objects()), List.of());
        return placed == null ? null : scene.with(placed);
    }

    /**
     * A clip whose mover starts on a cell at one side and crosses to the opposite side (2/3 of the canvas), or grows
     * or shrinks on its cell; the others sit on cells off its path.
     */
    Clip gridClip(Background background, SceneObject moverObject, Motion motion, List<SceneObject> others, int frameToken) {
        Cell start;
        Cell end;
        SceneObject mover = moverObject;
        if (motion.translates()) {
            int lane = between(0, 2);
            int from = motion.dx() + motion.dy() > 0 ? 0 : 2;
            start = motion.dx() != 0 ? Cell.at(from, lane) : Cell.at(lane, from);
            end = motion.dx() != 0 ? Cell.at(2 - from, lane) : Cell.at(lane, 2 - from);
        } else {
            start = pick(Cell.values());
            end = start;
            mover = mover.withSide(motion == Motion.GROWS ? ObjSize.SMALL.side() : ObjSize.LARGE.side());
        }
        Set<Cell> free = EnumSet.allOf(Cell.class);
        for (Cell c : Cell.values()) {
            boolean onPath = motion.dx() != 0 ? c.row() == start.row()
                    : motion.dy() != 0 ? c.column() == start.column() : c == start;
            if (onPath) {
                free.remove(c);
            }
        }
        List<Cell> cells = shuffled(new ArrayList<>(free)).subList(0, others.size());
        List<SceneObject> objects = new ArrayList<>(onCells(background, others, cells).objects());
        int index = between(0, objects.size());
        objects.add(index, mover.at(start.x(), start.y()));
        SceneObject last = moverEnd(mover.at(end.x(), end.y()), motion);
        return new Clip(new Scene(background, objects), index, motion, last, frameToken);
    }

    /** A clip whose mover travels between 0.4 and the whole free length of its axis; the others are anywhere. */
    Clip freeClip(Background background, SceneObject moverObject, Motion motion, List<SceneObject> others, int frameToken) {
        for (int attempt = 0; attempt < TRIES * 10; attempt++) {
            SceneObject start;
            SceneObject end;
            if (motion.translates()) {
                boolean horizontal = motion.dx() != 0;
                double half = moverObject.side() * Math.min(width, height) / 2;
                double halfAlong = half / (horizontal ? width : height);
                double halfAcross = half / (horizontal ? height : width);
                double room = 1 - 2 * halfAlong;
                double travel = uniform(MIN_TRAVEL, room);
                double from = uniform(halfAlong, 1 - halfAlong - travel);
                double across = uniform(halfAcross, 1 - halfAcross);
                double a = motion.dx() + motion.dy() > 0 ? from : 1 - from;
                double b = motion.dx() + motion.dy() > 0 ? from + travel : 1 - from - travel;
                start = horizontal ? moverObject.at(a, across) : moverObject.at(across, a);
                end = horizontal ? moverObject.at(b, across) : moverObject.at(across, b);
            } else {
                double big = ObjSize.LARGE.side();
                SceneObject probe = randomlyPlaced(moverObject.withSide(big));
                start = probe.withSide(motion == Motion.GROWS ? ObjSize.SMALL.side() : big);
                end = moverEnd(start, motion);
            }
            if (!start.box(width, height).inside(width, height) || !end.box(width, height).inside(width, height)
                    || Cell.margin(start.x(), start.y()) < CELL_MARGIN || Cell.margin(end.x(), end.y()) < CELL_MARGIN) {
                continue;
            }
            Box swept = start.box(width, height).union(end.box(width, height));
            List<SceneObject> placed = placeFree(others, new ArrayList<>(), List.of(swept));
            if (placed != null) {
                int index = between(0, placed.size());
                placed.add(index, start);
                return new Clip(new Scene(background, placed), index, motion, end, frameToken);
            }
        }
        throw new IllegalStateException("no free " + motion.label() + " clip on " + width + "x" + height);
    }

    /** For grows/shrinks the end is the other named size; a translation ends where it was placed. */
    private static SceneObject moverEnd(SceneObject atEnd, Motion motion) {
        return switch (motion) {
            case GROWS -> atEnd.withSide(ObjSize.LARGE.side());
            case SHRINKS -> atEnd.withSide(ObjSize.SMALL.side());
            default -> atEnd;
        };
    }

    private SceneObject randomlyPlaced(SceneObject o) {
        double half = o.side() * Math.min(width, height) / 2;
        return o.at(uniform(half / width, 1 - half / width), uniform(half / height, 1 - half / height));
    }

    /**
     * Adds the objects one by one to {@code placed} at random positions that keep the gap to everything placed and
     * to the {@code keepOut} boxes; null when one found no place.
     */
    private List<SceneObject> placeFree(List<SceneObject> objects, List<SceneObject> placed, List<Box> keepOut) {
        double minGap = Scene.MIN_GAP * Math.min(width, height);
        for (SceneObject o : objects) {
            SceneObject found = null;
            for (int t = 0; t < TRIES && found == null; t++) {
                SceneObject c = randomlyPlaced(o);
                Box box = c.box(width, height);
                boolean ok = Cell.margin(c.x(), c.y()) >= CELL_MARGIN
                        && placed.stream().allMatch(p -> p.box(width, height).gap(box) >= minGap)
                        && keepOut.stream().allMatch(k -> k.gap(box) >= minGap);
                if (ok) {
                    found = c;
                }
            }
            if (found == null) {
                return null;
            }
            placed.add(found);
        }
        return placed;
    }
}
