package ai.unison.route;

import ai.unison.api.Frames;
import java.util.List;
import java.util.Objects;

/** What an expert produced for one job of a batch: frames, or the error that failed this job alone. */
public sealed interface Outcome permits Outcome.Done, Outcome.Failed {

    static Outcome done(Frames frames) {
        return new Done(frames, List.of());
    }

    /** Frames plus notes on what the expert adapted (a resized mask, a derived mask) for the Result. */
    static Outcome done(Frames frames, List<String> notes) {
        return new Done(frames, notes);
    }

    static Outcome failed(Throwable error) {
        return new Failed(error);
    }

    /** Frames: 1 for an image, {@code job.executed().frames()} for a video, at the executed size. */
    record Done(Frames frames, List<String> notes) implements Outcome {
        public Done {
            Objects.requireNonNull(frames, "frames");
            notes = List.copyOf(notes);
        }
    }

    record Failed(Throwable error) implements Outcome {
        public Failed {
            Objects.requireNonNull(error, "error");
        }
    }
}
