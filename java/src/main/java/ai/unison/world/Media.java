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

    /** An image or video as the runtime's pixels (an image is one frame). */
    static ai.unison.api.Frames pixels(Media m) {
        List<Frame> list;
        if (m instanceof Image img) {
            list = List.of(img.frame());
        } else if (m instanceof Video v) {
            list = v.frames();
        } else {
            throw new IllegalArgumentException("text has no pixels");
        }
        int w = list.get(0).width();
        int h = list.get(0).height();
        byte[] data = new byte[list.size() * w * h * 3];
        for (int i = 0; i < list.size(); i++) {
            System.arraycopy(list.get(i).toBytes(), 0, data, i * w * h * 3, w * h * 3);
        }
        return ai.unison.api.Frames.of(list.size(), h, w, 3, data);
    }
}
