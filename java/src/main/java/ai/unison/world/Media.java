package ai.unison.world;

import java.util.List;

/** What goes into or comes out of a model: an image, a clip of frames at 24 fps, or text. */
public sealed interface Media {

    record Image(Frame frame) implements Media {}

    record Video(List<Frame> frames) implements Media {
        public Video {
            frames = List.copyOf(frames);
            if (frames.isEmpty()) {
                throw new IllegalArgumentException("a video needs at least one frame");
            }
        }
    }

    record Text(String text) implements Media {}
}
