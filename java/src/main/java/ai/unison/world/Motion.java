package ai.unison.world;

/** How the moving object of a clip moves. */
public enum Motion {
    LEFT(-1, 0), RIGHT(1, 0), UP(0, -1), DOWN(0, 1), GROWS(0, 0), SHRINKS(0, 0);

    private final int dx;
    private final int dy;

    Motion(int dx, int dy) {
        this.dx = dx;
        this.dy = dy;
    }

    /** -1, 0 or 1 along x. */
    public int dx() {
        return dx;
    }

    /** -1, 0 or 1 along y (down is positive). */
    public int dy() {
        return dy;
    }

    public boolean translates() {
        return dx != 0 || dy != 0;
    }

    /** The canonical answer word: left, right, up, down, grows, shrinks. */
    public String label() {
        return Labels.of(this);
    }
}
