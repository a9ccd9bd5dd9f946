package ai.unison.world;

/** An axis-aligned box in pixel coordinates (continuous; pixel (i, j) covers [i, i+1) × [j, j+1)). */
record Box(double left, double top, double right, double bottom) {

    private static final double EPS = 1e-9;

    boolean inside(int width, int height) {
        return left >= -EPS && top >= -EPS && right <= width + EPS && bottom <= height + EPS;
    }

    /** Chebyshev gap between the boxes: the larger of the horizontal and vertical gaps (negative when they overlap). */
    double gap(Box o) {
        double gx = Math.max(left, o.left) - Math.min(right, o.right);
        double gy = Math.max(top, o.top) - Math.min(bottom, o.bottom);
        return Math.max(gx, gy);
    }

    Box union(Box o) {
        return new Box(Math.min(left, o.left), Math.min(top, o.top), Math.max(right, o.right), Math.max(bottom, o.bottom));
    }

    Box grow(double by) {
        return new Box(left - by, top - by, right + by, bottom + by);
    }
}
