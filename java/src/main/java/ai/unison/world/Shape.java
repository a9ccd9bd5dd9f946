package ai.unison.world;

/** The three shapes of the world. */
public enum Shape {
    CIRCLE, SQUARE, TRIANGLE;

    public String label() {
        return Labels.of(this);
    }

    public static Shape parse(String text) {
        return Labels.parse(Shape.class, text);
    }
}
