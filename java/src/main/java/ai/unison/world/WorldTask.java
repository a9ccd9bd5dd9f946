package ai.unison.world;

/** The twelve tasks of PLAN.md; {@link #id()} is the snake-case name used in plans. */
public enum WorldTask {
    TEXT_UNDERSTANDING, TEXT_TO_IMAGE, TEXT_TO_VIDEO,
    IMAGE_UNDERSTANDING, IMAGE_EDIT, IMAGE_CONTROL, IMAGE_REFERENCE, IMAGE_TO_VIDEO, VIDEO_REFERENCE,
    VIDEO_UNDERSTANDING, VIDEO_EDIT, VIDEO_CONTROL;

    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
