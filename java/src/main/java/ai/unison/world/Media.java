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

    /** The runtime's pixels as an image (one frame) or a video. */
    static Media of(ai.unison.api.Frames f) {
        List<Frame> list = new java.util.ArrayList<>();
        int size = f.width() * f.height() * 3;
        byte[] all = f.toBytes();
        for (int t = 0; t < f.count(); t++) {
            byte[] one = new byte[size];
            System.arraycopy(all, t * size, one, 0, size);
            list.add(Frame.fromBytes(f.width(), f.height(), one));
        }
        return list.size() == 1 ? new Image(list.get(0)) : new Video(list);
    }

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
