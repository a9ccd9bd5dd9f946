package ai.unison.diffusion.wan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.unison.api.Attachment;
import ai.unison.api.Frames;
import ai.unison.api.Plan;
import ai.unison.api.Size;
import ai.unison.plan.SignalGrammar;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

class VaceInputsTest {

    static Plan plan(String signal, Attachment.Kind... kinds) {
        List<Attachment> atts = new ArrayList<>();
        for (int i = 0; i < kinds.length; i++) {
            atts.add(new Attachment(i, kinds[i], "a" + i + (kinds[i] == Attachment.Kind.IMAGE ? ".png" : ".mp4")));
        }
        return SignalGrammar.toPlan(signal, atts, "a red circle");
    }

    /** Frames of one colour per frame: value {@code base + 10·t} in every channel. */
    static Frames flat(int count, int h, int w, int base) {
        byte[] data = new byte[count * h * w * 3];
        for (int t = 0; t < count; t++) {
            for (int i = 0; i < h * w * 3; i++) {
                data[t * h * w * 3 + i] = (byte) (base + 10 * t);
            }
        }
        return Frames.of(count, h, w, 3, data);
    }

    /** An image mask: white in the left half. */
    static Frames leftHalfMask(int h, int w) {
        byte[] data = new byte[h * w * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w / 2; x++) {
                for (int c = 0; c < 3; c++) {
                    data[(y * w + x) * 3 + c] = (byte) 255;
                }
            }
        }
        return Frames.image(h, w, 3, data);
    }

    @Test
    void textToVideoIsAnEmptyVideoWithAFullMask() {
        try (NativeScope s = NativeScope.open();
             VaceInputs in = VaceInputs.forTask(plan("<CFV>"), List.of(), new Size(32, 16, 9))) {
            assertArrayEquals(new long[] {1, 3, 9, 16, 32}, Torch.shape(in.video()));
            assertEquals(0.0, in.video().abs().max().item().toDouble());
            assertEquals(1.0, in.mask().min().item().toDouble());
            assertTrue(in.references().isEmpty());
        }
    }

    @Test
    void imageToVideoFixesTheFirstOrLastFrame() {
        Frames image = flat(1, 16, 16, 200);
        for (String ref : List.of("0", "1")) {
            try (NativeScope s = NativeScope.open();
                 VaceInputs in = VaceInputs.forTask(plan("<BOFIDX>" + ref + "<EOFIDX><CFV>", Attachment.Kind.IMAGE),
                         List.of(image), new Size(16, 16, 5))) {
                int at = ref.equals("0") ? 0 : 4;
                float[] mask = Torch.toFloats(in.mask().select(2, at));
                float[] frame = Torch.toFloats(in.video().select(2, at));
                for (float m : mask) {
                    assertEquals(0f, m);
                }
                assertEquals(200 / 127.5 - 1, frame[0], 1e-6);
                assertEquals(1.0, in.mask().narrow(2, ref.equals("0") ? 1 : 0, 4).min().item().toDouble());
                assertEquals(0.0, in.video().narrow(2, ref.equals("0") ? 1 : 0, 4).abs().max().item().toDouble());
            }
        }
    }

    @Test
    void imageEditUsesTheMaskAttachmentAndNotesAResizedMask() {
        Frames source = flat(1, 16, 16, 100);
        try (NativeScope s = NativeScope.open();
             VaceInputs in = VaceInputs.forTask(plan("<BOEDIT>1,0<EOEDIT><CFI>", Attachment.Kind.IMAGE, Attachment.Kind.IMAGE),
                     List.of(source, leftHalfMask(32, 32)), new Size(16, 16, 1))) {
            float[] mask = Torch.toFloats(in.mask());
            assertEquals(1f, mask[0]);
            assertEquals(0f, mask[15]);
            assertEquals(1, in.notes().size(), in.notes().toString());
            assertTrue(in.notes().get(0).contains("mask 'a1.png' is 32×32 but source 'a0.png' is 16×16"), in.notes().get(0));
        }
    }

    @Test
    void videoEditWithoutAMaskMasksWhatMoves() {
        // a 2×2 white block that moves right across a black clip
        int t = 5, h = 16, w = 16;
        byte[] data = new byte[t * h * w * 3];
        for (int f = 0; f < t; f++) {
            for (int y = 6; y < 8; y++) {
                for (int x = 2 * f; x < 2 * f + 2; x++) {
                    for (int c = 0; c < 3; c++) {
                        data[((f * h + y) * w + x) * 3 + c] = (byte) 255;
                    }
                }
            }
        }
        try (NativeScope s = NativeScope.open();
             VaceInputs in = VaceInputs.forTask(plan("<BOEDIT>0,0<EOEDIT><CFV>", Attachment.Kind.VIDEO),
                     List.of(Frames.of(t, h, w, 3, data)), new Size(16, 16, 5))) {
            Tensor m = in.mask().select(0, 0).select(0, 0);
            assertEquals(1.0, m.select(0, 0).select(0, 7).select(0, 5).item().toDouble(), "swept region");
            assertEquals(1.0, m.select(0, 4).select(0, 7).select(0, 5).item().toDouble(), "same on every frame");
            assertEquals(0.0, m.select(0, 0).select(0, 0).select(0, 15).item().toDouble(), "still corner");
            assertTrue(in.notes().get(0).startsWith("no mask attachment"));
        }
    }

    @Test
    void referencesAreLetterboxedOnWhite() {
        Frames wide = flat(1, 8, 16, 0);
        try (NativeScope s = NativeScope.open();
             VaceInputs in = VaceInputs.forTask(plan("<REF><CFI>", Attachment.Kind.IMAGE), List.of(wide), new Size(16, 16, 1))) {
            Tensor ref = in.references().get(0);
            assertArrayEquals(new long[] {3, 16, 16}, Torch.shape(ref));
            assertEquals(1.0, ref.select(1, 0).min().item().toDouble(), "white bar above");
            assertEquals(-1.0, ref.select(1, 8).max().item().toDouble(), "the black image in the middle");
            assertEquals(1.0, ref.select(1, 15).min().item().toDouble(), "white bar below");
        }
    }

    @Test
    void foldedMasksPutEachPixelOfAnEightByEightCellInItsOwnChannel() {
        try (NativeScope s = NativeScope.open()) {
            Tensor mask = Torch.empty(org.bytedeco.pytorch.global.torch.ScalarType.Float, 1, 1, 9, 16, 16).zero_();
            mask.select(2, 4).select(2, 3).select(2, 10).fill_(Torch.scalar(1)); // frame 4, y 3, x 10
            Tensor folded = VaceInputs.foldMask(mask, 8, 3, 1);
            assertArrayEquals(new long[] {1, 64, 4, 2, 2}, Torch.shape(folded));
            // nearest-exact from 9 to 3 frames takes frames 1, 4, 7; the reference frame comes first
            assertEquals(1.0, folded.sum().item().toDouble());
            assertEquals(1.0, folded.select(1, 3 * 8 + 2).select(1, 2).select(1, 0).select(1, 1).item().toDouble());
        }
    }

    @Test
    void badInputNamesTheAttachment() {
        Frames image = flat(1, 16, 16, 0);
        IllegalArgumentException wrongKind = assertThrows(IllegalArgumentException.class, () -> VaceInputs.forTask(
                plan("<CTRL><CFV>", Attachment.Kind.IMAGE), List.of(image), new Size(16, 16, 5)));
        assertTrue(wrongKind.getMessage().contains("attachment 0 'a0.png' is image"), wrongKind.getMessage());
        IllegalArgumentException source = assertThrows(IllegalArgumentException.class, () -> VaceInputs.forTask(
                plan("<BOEDIT>1,0<EOEDIT><CFI>", Attachment.Kind.VIDEO, Attachment.Kind.IMAGE), List.of(image, image),
                new Size(16, 16, 1)));
        assertTrue(source.getMessage().contains("the source to be image, but attachment 0 'a0.mp4' is video"),
                source.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> VaceInputs.forTask(
                plan("<REF><CFI>", Attachment.Kind.IMAGE), List.of(), new Size(16, 16, 1)));
        assertTrue(missing.getMessage().contains("plan has 1 attachments but 0 were given"), missing.getMessage());
    }
}
