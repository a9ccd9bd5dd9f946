package ai.unison.engine;

import ai.unison.api.Frames;
import java.nio.file.Path;

/**
 * The writer for real outputs, to be backed by {@code ai.unison.io.Media}: inside a
 * {@code NativeScope}, {@code Media.writePng(file, Torch.fromBytes(image.toBytes(), h, w, c))} and
 * {@code Media.writeGif/writeMp4(file, Torch.fromBytes(video.toBytes(), video.shape()), fps)}.
 * Until that package lands, writing an image or a video fails with this message (text answers and
 * sidecars do not need it).
 */
final class MediaOutputWriter implements OutputWriter {
    private static UnsupportedOperationException missing(String what) {
        return new UnsupportedOperationException(what + " encoding needs ai.unison.io.Media, which this build does not include yet");
    }

    @Override
    public void png(Path file, Frames image) {
        throw missing("PNG");
    }

    @Override
    public void gif(Path file, Frames video, double fps) {
        throw missing("GIF");
    }

    @Override
    public void mp4(Path file, Frames video, double fps) {
        throw missing("MP4");
    }
}
