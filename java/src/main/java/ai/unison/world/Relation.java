package ai.unison.world;

/** Spatial relations between two objects; "A left of B" holds when B.x − A.x > 0.1 (likewise the others). */
public enum Relation {
    LEFT_OF("to the left of"),
    RIGHT_OF("to the right of"),
    ABOVE("above"),
    BELOW("below");

    static final double THRESHOLD = 0.1;

    private final String phrase;

    Relation(String phrase) {
        this.phrase = phrase;
    }

    public String phrase() {
        return phrase;
    }

    /** How far the relation holds beyond the threshold: positive when "A relation B" holds. */
    double excess(double ax, double ay, double bx, double by) {
        double d = switch (this) {
            case LEFT_OF -> bx - ax;
            case RIGHT_OF -> ax - bx;
            case ABOVE -> by - ay;
            case BELOW -> ay - by;
        };
        return d - THRESHOLD;
    }

    public boolean holds(double ax, double ay, double bx, double by) {
        return excess(ax, ay, bx, by) > 0;
    }
}
