package ai.unison.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a user asks: text (inline {@code ###path###} references allowed), attachments given
 * separately (appended after the inline ones, in order), per-request {@link Overrides}, and
 * optionally an id (echoed in the {@link Result}; the engine assigns one otherwise) and a
 * {@link Priority} (default: interactive for {@code run}/{@code submit}, the batch's for
 * {@code runBatch}).
 *
 * <pre>{@code
 * Request r = Request.builder("a red circle sliding right, 2 seconds")
 *         .attach(Path.of("first.png")).seed(7).steps(20).size(640, 480).build();
 * }</pre>
 */
public record Request(String id, String text, List<Input> attachments, Overrides overrides, Priority priority) {

    public Request {
        Objects.requireNonNull(text, "text");
        attachments = List.copyOf(attachments);
        overrides = overrides == null ? Overrides.NONE : overrides;
    }

    public static Request of(String text) {
        return new Request(null, text, List.of(), Overrides.NONE, null);
    }

    public static Builder builder(String text) {
        return new Builder(text);
    }

    /** This request with another priority. */
    public Request withPriority(Priority p) {
        return new Request(id, text, attachments, overrides, p);
    }

    /** This request with another id. */
    public Request withId(String newId) {
        return new Request(newId, text, attachments, overrides, priority);
    }

    public static final class Builder {
        private final String text;
        private final List<Input> attachments = new ArrayList<>();
        private String id;
        private Priority priority;
        private Long seed;
        private Integer steps;
        private Double guidance;
        private String scheduler;
        private Integer width;
        private Integer height;
        private Integer frames;
        private Duration timeout;

        private Builder(String text) {
            this.text = Objects.requireNonNull(text, "text");
        }

        public Builder id(String value) {
            this.id = value;
            return this;
        }

        public Builder priority(Priority value) {
            this.priority = value;
            return this;
        }

        public Builder attach(Path path) {
            attachments.add(Input.file(path));
            return this;
        }

        /** The encoded bytes of a file; {@code name}'s extension gives the format. */
        public Builder attach(String name, byte[] data) {
            attachments.add(Input.bytes(name, data));
            return this;
        }

        /** Pixels in memory: one frame is an image, more a video. */
        public Builder attach(Frames frames) {
            attachments.add(Input.pixels(frames));
            return this;
        }

        public Builder attach(Input input) {
            attachments.add(Objects.requireNonNull(input, "input"));
            return this;
        }

        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        public Builder steps(int value) {
            this.steps = value;
            return this;
        }

        public Builder guidance(double value) {
            this.guidance = value;
            return this;
        }

        public Builder scheduler(String value) {
            this.scheduler = value;
            return this;
        }

        public Builder size(int w, int h) {
            this.width = w;
            this.height = h;
            return this;
        }

        public Builder frames(int value) {
            this.frames = value;
            return this;
        }

        public Builder timeout(Duration value) {
            this.timeout = value;
            return this;
        }

        /** Replaces every override set so far. */
        public Builder overrides(Overrides o) {
            seed = o.seed();
            steps = o.steps();
            guidance = o.guidance();
            scheduler = o.scheduler();
            width = o.width();
            height = o.height();
            frames = o.frames();
            timeout = o.timeout();
            return this;
        }

        public Request build() {
            return new Request(id, text, attachments,
                    new Overrides(seed, steps, guidance, scheduler, width, height, frames, timeout), priority);
        }
    }
}
