package ai.unison.world;

/** Canvas backgrounds; gray is the default. */
public enum Background {
    GRAY(128, 128, 128),
    BLACK(0, 0, 0),
    WHITE(255, 255, 255);

    private final int rgb;

    Background(int r, int g, int b) {
        this.rgb = r << 16 | g << 8 | b;
    }

    /** Packed 0xRRGGBB. */
    public int rgb() {
        return rgb;
    }

    public String label() {
        return Labels.of(this);
    }

    public static Background parse(String text) {
        return Labels.parse(Background.class, text);
    }
}
