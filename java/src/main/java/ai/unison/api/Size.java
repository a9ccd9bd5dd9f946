package ai.unison.api;

/**
 * Output dimensions: width and height in pixels and the frame count of a video (1 for an image).
 * As requested, any field may be null (the request stated nothing); as executed, none is.
 */
public record Size(Integer width, Integer height, Integer frames) {
    public Size {
        if ((width == null) != (height == null)) {
            throw new IllegalArgumentException("size has width " + width + " but height " + height + "; give both or neither");
        }
        if (width != null && (width < 1 || height < 1)) {
            throw new IllegalArgumentException("size " + width + "×" + height + " must be positive");
        }
        if (frames != null && frames < 1) {
            throw new IllegalArgumentException("frames must be at least 1, got " + frames);
        }
    }

    /** Nothing stated. */
    public static final Size UNSTATED = new Size(null, null, null);

    public boolean complete() {
        return width != null && frames != null;
    }

    /** {@code 640×480×33}; unstated fields are {@code ?}. */
    @Override
    public String toString() {
        return (width == null ? "?" : width) + "×" + (height == null ? "?" : height) + "×" + (frames == null ? "?" : frames);
    }
}
