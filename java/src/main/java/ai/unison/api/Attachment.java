package ai.unison.api;

import java.util.Locale;
import java.util.Objects;

/**
 * An image or video attached to a request, by its 0-based index in order of mention. The file
 * is never opened here; its kind comes from the extension.
 */
public record Attachment(int index, Kind kind, String path) {

    public enum Kind {
        IMAGE, VIDEO;

        /** {@code image} or {@code video}, as written in Plan JSON. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Kind fromWireName(String name) {
            for (Kind kind : values()) {
                if (kind.wireName().equals(name)) {
                    return kind;
                }
            }
            throw new PlanException("unknown attachment kind '" + name + "'; expected image or video");
        }
    }

    public Attachment {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(path, "path");
        if (index < 0) {
            throw new PlanException("attachment index " + index + " of '" + path + "' is negative");
        }
    }

    /** An attachment whose kind is read from the path's extension. */
    public static Attachment of(int index, String path) {
        return new Attachment(index, kindOf(path), path);
    }

    /**
     * The kind a path's extension names: png, jpg, jpeg are images; mp4, avi, mov, gif are videos
     * (case-insensitive).
     */
    public static Kind kindOf(String path) {
        Objects.requireNonNull(path, "path");
        int dot = path.lastIndexOf('.');
        int slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
        String ext = dot > slash ? path.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
        return switch (ext) {
            case "png", "jpg", "jpeg" -> Kind.IMAGE;
            case "mp4", "avi", "mov", "gif" -> Kind.VIDEO;
            default -> throw new PlanException("attachment '" + path + "' has "
                    + (ext.isEmpty() ? "no extension" : "extension '" + ext + "'")
                    + "; accepted: images png, jpg, jpeg; videos mp4, avi, mov, gif");
        };
    }
}
