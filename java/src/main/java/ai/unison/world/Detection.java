package ai.unison.world;

import java.util.BitSet;

/**
 * One detected object. {@code shape} is null when the component's fill ratio and aspect match no shape
 * (SHAPES-WORLD's {@code unknown}). The box is inclusive pixel bounds; x, y are the normalised box centre; the mask
 * holds the component's pixels as row-major indices y·W + x.
 */
public record Detection(Shape shape, Colour colour, int left, int top, int right, int bottom,
                        double x, double y, Cell cell, int area, BitSet mask) {

    public boolean known() {
        return shape != null;
    }

    public int boxWidth() {
        return right - left + 1;
    }

    public int boxHeight() {
        return bottom - top + 1;
    }

    Item item() {
        return new Item(shape, colour, cell);
    }
}
