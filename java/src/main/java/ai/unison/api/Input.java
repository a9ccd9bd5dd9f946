package ai.unison.api;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One attachment of a {@link Request}: a file, the bytes of a file, or pixels in memory. Its
 * {@link #name()} (which must end in an extension PLAN.md accepts: png, jpg, jpeg, mp4, avi, mov,
 * gif) is the path shown in the plan and tells images from videos.
 */
public sealed interface Input permits Input.File, Input.Bytes, Input.Pixels {

    /** The name the plan shows for this attachment. */
    String name();

    static Input file(Path path) {
        return new File(path);
    }

    static Input bytes(String name, byte[] data) {
        return new Bytes(name, data);
    }

    /** Pixels in memory: one frame is an image ({@code image.png}), more are a video ({@code video.mp4}). */
    static Input pixels(Frames frames) {
        return new Pixels(frames.count() == 1 ? "image.png" : "video.mp4", frames);
    }

    /** A file on disk, read by the models. */
    record File(Path path) implements Input {
        public File {
            Objects.requireNonNull(path, "path");
        }

        @Override
        public String name() {
            return path.toString();
        }
    }

    /** The encoded bytes of an image or video file; {@code name} gives its format. */
    record Bytes(String name, byte[] data) implements Input {
        public Bytes {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(data, "data");
            Attachment.kindOf(name);
            data = data.clone();
        }

        @Override
        public byte[] data() {
            return data.clone();
        }
    }

    /** Decoded pixels; {@code name} gives its kind (an image or a video). */
    record Pixels(String name, Frames frames) implements Input {
        public Pixels {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(frames, "frames");
            Attachment.kindOf(name);
        }
    }
}
