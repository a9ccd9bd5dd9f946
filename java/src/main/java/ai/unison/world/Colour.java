package ai.unison.world;

/** The palette (sRGB) of SHAPES-WORLD.md. */
public enum Colour {
    RED(230, 25, 25),
    ORANGE(245, 130, 20),
    YELLOW(240, 220, 30),
    GREEN(40, 180, 60),
    BLUE(30, 80, 230),
    PURPLE(140, 50, 180),
    PINK(245, 120, 190),
    BROWN(130, 80, 40),
    BLACK(15, 15, 15),
    WHITE(245, 245, 245);

    private final int rgb;

    Colour(int r, int g, int b) {
        this.rgb = r << 16 | g << 8 | b;
    }

    /** Packed 0xRRGGBB. */
    public int rgb() {
        return rgb;
    }

    public String label() {
        return Labels.of(this);
    }

    /** Whether an object of this colour may stand on the background (never black on black or white on white). */
    public boolean visibleOn(Background background) {
        return !(this == BLACK && background == Background.BLACK || this == WHITE && background == Background.WHITE);
    }

    public static Colour parse(String text) {
        return Labels.parse(Colour.class, text);
    }
}
