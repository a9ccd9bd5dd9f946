package ai.unison.api;

/** The twelve tasks of PLAN.md, with their wire names and input and output modalities. */
public enum Task {
    TEXT_UNDERSTANDING("text_understanding", Modality.TEXT, Modality.TEXT),
    IMAGE_UNDERSTANDING("image_understanding", Modality.IMAGE, Modality.TEXT),
    VIDEO_UNDERSTANDING("video_understanding", Modality.VIDEO, Modality.TEXT),
    TEXT_TO_IMAGE("text_to_image", Modality.TEXT, Modality.IMAGE),
    TEXT_TO_VIDEO("text_to_video", Modality.TEXT, Modality.VIDEO),
    IMAGE_EDIT("image_edit", Modality.IMAGE, Modality.IMAGE),
    IMAGE_CONTROL("image_control", Modality.IMAGE, Modality.IMAGE),
    IMAGE_REFERENCE("image_reference", Modality.IMAGE, Modality.IMAGE),
    IMAGE_TO_VIDEO("image_to_video", Modality.IMAGE, Modality.VIDEO),
    VIDEO_REFERENCE("video_reference", Modality.IMAGE, Modality.VIDEO),
    VIDEO_EDIT("video_edit", Modality.VIDEO, Modality.VIDEO),
    VIDEO_CONTROL("video_control", Modality.VIDEO, Modality.VIDEO);

    /** What a task reads besides text, or what it produces. */
    public enum Modality { TEXT, IMAGE, VIDEO }

    private final String wireName;
    private final Modality input;
    private final Modality output;

    Task(String wireName, Modality input, Modality output) {
        this.wireName = wireName;
        this.input = input;
        this.output = output;
    }

    /** The name used in Plan JSON and on the command line, e.g. {@code text_to_image}. */
    public String wireName() {
        return wireName;
    }

    /** The kind of the main input: TEXT when the task needs no attachment. */
    public Modality input() {
        return input;
    }

    public Modality output() {
        return output;
    }

    /** Understanding tasks answer in text; all others are generation tasks routed to an expert. */
    public boolean isUnderstanding() {
        return output == Modality.TEXT;
    }

    public static Task fromWireName(String name) {
        for (Task task : values()) {
            if (task.wireName.equals(name)) {
                return task;
            }
        }
        throw new PlanException("unknown task '" + name + "'; expected one of the twelve wire names such as text_to_image");
    }

    @Override
    public String toString() {
        return wireName;
    }
}
