package ai.unison.engine;

import ai.unison.api.Frames;
import ai.unison.io.Media;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;

import java.nio.file.Path;

/** The writer for real outputs, through {@link Media}: PNG images, animated GIF and H.264 MP4 videos. */
final class MediaOutputWriter implements OutputWriter {
    @Override
    public void png(Path file, Frames image) {
        try (NativeScope scope = NativeScope.open()) {
            Media.writePng(file, Torch.fromBytes(image.toBytes(), image.height(), image.width(), image.channels()));
        }
    }

    @Override
    public void gif(Path file, Frames video, double fps) {
        try (NativeScope scope = NativeScope.open()) {
            Media.writeGif(file, Torch.fromBytes(video.toBytes(), video.shape()), fps);
        }
    }

    @Override
    public void mp4(Path file, Frames video, double fps) {
        try (NativeScope scope = NativeScope.open()) {
            Media.writeMp4(file, Torch.fromBytes(video.toBytes(), video.shape()), fps);
        }
    }
}
