package ai.unison.world;

import java.util.Objects;

/**
 * One object: shape, colour, bounding-box side as a fraction of min(W, H), and the normalised centre of its
 * bounding box (x right, y down).
 */
public record SceneObject(Shape shape, Colour colour, double side, double x, double y) {

    public SceneObject {
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(colour, "colour");
        if (!(side > 0 && side <= 1)) {
            throw new IllegalArgumentException("object side must lie in (0, 1] of min(W, H), got " + side);
        }
    }

    public static SceneObject of(Shape shape, Colour colour, ObjSize size, Cell cell) {
        return new SceneObject(shape, colour, size.side(), cell.x(), cell.y());
    }

    /** The named size nearest to the side. */
    public ObjSize size() {
        return ObjSize.nearest(side);
    }

    /** The grid cell nearest to the centre. */
    public Cell cell() {
        return Cell.nearest(x, y);
    }

    public SceneObject withColour(Colour c) {
        return new SceneObject(shape, c, side, x, y);
    }

    public SceneObject withShape(Shape s) {
        return new SceneObject(s, colour, side, x, y);
    }

    public SceneObject withSide(double s) {
        return new SceneObject(shape, colour, s, x, y);
    }

    public SceneObject at(double nx, double ny) {
        return new SceneObject(shape, colour, side, nx, ny);
    }

    /** "red circle". */
    String name() {
        return colour.label() + " " + shape.label();
    }

    Item item() {
        return new Item(shape, colour, cell());
    }

    /** The bounding box in pixels on a W×H canvas. */
    Box box(int width, int height) {
        double half = side * Math.min(width, height) / 2;
        double cx = x * width;
        double cy = y * height;
        return new Box(cx - half, cy - half, cx + half, cy + half);
    }
}
