package ai.unison.world;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FrameTest {
    @Test
    void storesPixelsAsRowMajorRgbBytes() {
        Frame f = Frame.fromBytes(2, 1, new byte[] {1, 2, 3, (byte) 250, 5, 6});
        assertEquals(0x010203, f.rgb(0, 0));
        assertEquals(0xFA0506, f.rgb(1, 0));
        assertArrayEquals(new byte[] {1, 2, 3, (byte) 250, 5, 6}, f.toBytes());
        assertThrows(IllegalArgumentException.class, () -> Frame.fromBytes(2, 2, new byte[6]));
    }

    @Test
    void pngRoundTripKeepsEveryPixel(@TempDir Path dir) throws Exception {
        Scene scene = new Scene(Background.WHITE, List.of(SceneObject.of(Shape.CIRCLE, Colour.PINK, ObjSize.LARGE, Cell.CENTER)));
        Frame f = Renderer.render(scene, 80, 60);
        Path png = dir.resolve("scene.png");
        f.writePng(png);
        assertEquals(f, Frame.readPng(png));
        assertEquals(f, Frame.fromImage(f.toImage()));
    }

    @Test
    void psnrIsInfiniteForEqualFramesAndFollowsTheMeanSquaredError() {
        Frame a = Frame.filled(4, 4, 0x000000);
        Frame b = Frame.filled(4, 4, 0x0A0A0A);
        assertEquals(Double.POSITIVE_INFINITY, Frame.psnr(a, Frame.filled(4, 4, 0x000000)));
        assertEquals(10 * Math.log10(255.0 * 255.0 / 100), Frame.psnr(a, b), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> Frame.psnr(a, Frame.filled(4, 5, 0)));
    }
}
