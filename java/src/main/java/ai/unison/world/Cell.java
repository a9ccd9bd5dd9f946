package ai.unison.world;

/** The 3×3 grid; cell centres lie at x, y ∈ {1/6, 1/2, 5/6}. */
public enum Cell {
    TOP_LEFT(0, 0), TOP_CENTER(1, 0), TOP_RIGHT(2, 0),
    CENTER_LEFT(0, 1), CENTER(1, 1), CENTER_RIGHT(2, 1),
    BOTTOM_LEFT(0, 2), BOTTOM_CENTER(1, 2), BOTTOM_RIGHT(2, 2);

    private final int column;
    private final int row;

    Cell(int column, int row) {
        this.column = column;
        this.row = row;
    }

    public int column() {
        return column;
    }

    public int row() {
        return row;
    }

    /** Normalised x of the centre. */
    public double x() {
        return (2 * column + 1) / 6.0;
    }

    /** Normalised y of the centre. */
    public double y() {
        return (2 * row + 1) / 6.0;
    }

    /** "top-left", "center", ... */
    public String label() {
        return Labels.of(this);
    }

    /** Accepts "top-left", "top left", "Top Left". */
    public static Cell parse(String text) {
        return Labels.parse(Cell.class, text);
    }

    public static Cell at(int column, int row) {
        return values()[row * 3 + column];
    }

    /** The cell whose centre is nearest to the normalised point. */
    public static Cell nearest(double x, double y) {
        return at(band(x), band(y));
    }

    private static int band(double v) {
        return v < 1 / 3.0 ? 0 : v < 2 / 3.0 ? 1 : 2;
    }

    /** Distance from the point to the nearest line between cells (how safely it lies in its cell). */
    static double margin(double x, double y) {
        double m = Double.MAX_VALUE;
        for (double line : new double[] {1 / 3.0, 2 / 3.0}) {
            m = Math.min(m, Math.min(Math.abs(x - line), Math.abs(y - line)));
        }
        return m;
    }
}
