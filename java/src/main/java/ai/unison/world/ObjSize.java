package ai.unison.world;

/** Object sizes: bounding-box side as a fraction of min(W, H). */
public enum ObjSize {
    SMALL(0.18),
    LARGE(0.30),
    UNSPECIFIED(0.24);

    private final double side;

    ObjSize(double side) {
        this.side = side;
    }

    public double side() {
        return side;
    }

    public String label() {
        return Labels.of(this);
    }

    /** The size whose side is nearest to {@code side} (objects of a growing clip lie in between). */
    public static ObjSize nearest(double side) {
        ObjSize best = UNSPECIFIED;
        for (ObjSize s : values()) {
            if (Math.abs(s.side - side) < Math.abs(best.side - side)) {
                best = s;
            }
        }
        return best;
    }
}
