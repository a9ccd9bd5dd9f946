package ai.unison.world;

/** The ShapesEval categories (SHAPES-WORLD.md); {@link #id()} is the name a report prints. */
public enum Category {
    SINGLE_OBJECT, TWO_OBJECT, COUNTING, COLORS, POSITION, COLOR_ATTR, PLACEMENT,
    EDIT, REFERENCE, CONTROL, VIDEO_MOTION, I2V_FIDELITY, UNDERSTANDING, ROUND_TRIP;

    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
