package ai.unison.world;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** A background and up to four objects. Whether it fits depends on the canvas: see {@link #problem}. */
public record Scene(Background background, List<SceneObject> objects) {

    public static final int MAX_OBJECTS = 4;
    /** Minimum gap between bounding boxes, as a fraction of min(W, H). */
    static final double MIN_GAP = 0.02;

    public Scene {
        Objects.requireNonNull(background, "background");
        objects = List.copyOf(objects);
        if (objects.size() > MAX_OBJECTS) {
            throw new IllegalArgumentException("a scene holds at most " + MAX_OBJECTS + " objects, got " + objects.size());
        }
        for (SceneObject o : objects) {
            if (!o.colour().visibleOn(background)) {
                throw new IllegalArgumentException("a " + o.colour().label() + " object cannot stand on a "
                        + background.label() + " background");
            }
        }
    }

    public Scene with(List<SceneObject> newObjects) {
        return new Scene(background, newObjects);
    }

    /** This scene with object {@code index} replaced. */
    public Scene replace(int index, SceneObject o) {
        List<SceneObject> list = new ArrayList<>(objects);
        list.set(index, o);
        return with(list);
    }

    /**
     * Why the scene does not fit a W×H canvas, or null when it fits: every bounding box lies fully inside and
     * any two are at least 0.02·min(W, H) apart.
     */
    public String problem(int width, int height) {
        double minGap = MIN_GAP * Math.min(width, height);
        for (int i = 0; i < objects.size(); i++) {
            Box a = objects.get(i).box(width, height);
            if (!a.inside(width, height)) {
                return "object " + i + " leaves the " + width + "x" + height + " canvas: " + a;
            }
            for (int j = 0; j < i; j++) {
                if (a.gap(objects.get(j).box(width, height)) < minGap) {
                    return "objects " + j + " and " + i + " are closer than " + minGap + " px";
                }
            }
        }
        return null;
    }

    /** The sorted multiset of (shape, colour, cell) that a detector should find. */
    public List<Item> items() {
        return Item.sorted(objects.stream().map(SceneObject::item).toList());
    }
}
