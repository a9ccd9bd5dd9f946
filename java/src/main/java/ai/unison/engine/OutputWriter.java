package ai.unison.engine;

import ai.unison.api.Frames;
import java.io.IOException;
import java.nio.file.Path;

/** Encodes pixels to files: PNG for images, animated GIF and MP4 for videos. */
interface OutputWriter {
    void png(Path file, Frames image) throws IOException;

    void gif(Path file, Frames video, double fps) throws IOException;

    void mp4(Path file, Frames video, double fps) throws IOException;
}
