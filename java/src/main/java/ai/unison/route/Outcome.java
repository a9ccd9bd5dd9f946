package ai.unison.route;

import ai.unison.api.Frames;
import java.util.Objects;

/** What an expert produced for one job of a batch: frames, or the error that failed this job alone. */
public sealed interface Outcome permits Outcome.Done, Outcome.Failed {

    static Outcome done(Frames frames) {
        return new Done(frames);
    }

    static Outcome failed(Throwable error) {
        return new Failed(error);
    }

    /** Frames: 1 for an image, {@code job.executed().frames()} for a video, at the executed size. */
    record Done(Frames frames) implements Outcome {
        public Done {
            Objects.requireNonNull(frames, "frames");
        }
    }

    record Failed(Throwable error) implements Outcome {
        public Failed {
            Objects.requireNonNull(error, "error");
        }
    }
}
