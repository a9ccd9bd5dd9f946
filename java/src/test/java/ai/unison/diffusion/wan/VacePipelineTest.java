package ai.unison.diffusion.wan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.unison.api.Attachment;
import ai.unison.api.Frames;
import ai.unison.api.Size;
import ai.unison.io.ConfigException;
import ai.unison.runtime.DType;
import ai.unison.runtime.Rng;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.pytorch.Device;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertThrows;

class VacePipelineTest {
    @TempDir
    static Path tmp;
    static Path folder;

    @BeforeAll
    static void writeFolder() {
        folder = TinyVaceFolder.write(tmp.resolve("wan-vace"), true);
    }

    private static VacePipeline load() {
        return VacePipeline.load(folder, DType.FLOAT32, new Device("cpu"));
    }

    @Test
    void generatesImagesAndVideosOfTheExecutedSizeReproduciblyPerSeed() {
        try (VacePipeline p = load()) {
            VacePipeline.Request a = new VacePipeline.Request(VaceInputsTest.plan("<CFV>"), List.of(), 1, null);
            VacePipeline.Request b = new VacePipeline.Request(VaceInputsTest.plan("<CFV>"), List.of(), 2, null);
            VacePipeline.Run run = new VacePipeline.Run(new Size(32, 16, 5), 2, 5.0, "unipc");
            List<VacePipeline.Output> ab = p.generate(List.of(a, b), run, VacePipeline.Hooks.NONE);
            List<VacePipeline.Output> ba = p.generate(List.of(b, a), run, VacePipeline.Hooks.NONE);
            Frames fa = ab.get(0).frames();
            assertArrayEquals(new long[] {5, 16, 32, 3}, fa.shape());
            assertEquals(fa, ba.get(1).frames(), "same seed, same frames, whatever the batch position");
            assertEquals(ab.get(1).frames(), ba.get(0).frames());
            assertTrue(!fa.equals(ab.get(1).frames()), "different seeds differ");

            VacePipeline.Run image = new VacePipeline.Run(new Size(16, 16, 1), 1, 1.0, "flow-euler");
            Frames one = p.generate(List.of(new VacePipeline.Request(VaceInputsTest.plan("<CFI>"), List.of(), 3, null)),
                    image, VacePipeline.Hooks.NONE).get(0).frames();
            assertArrayEquals(new long[] {1, 16, 16, 3}, one.shape());
        }
    }

    @Test
    void aBadRequestFailsAloneAndTheRestOfItsBatchCompletes() {
        try (VacePipeline p = load()) {
            VacePipeline.Request bad = new VacePipeline.Request(VaceInputsTest.plan("<CTRL><CFI>", Attachment.Kind.IMAGE),
                    List.of(), 1, null);
            VacePipeline.Request good = new VacePipeline.Request(VaceInputsTest.plan("<CTRL><CFI>", Attachment.Kind.IMAGE),
                    List.of(VaceInputsTest.flat(1, 16, 16, 0)), 1, null);
            List<VacePipeline.Output> out = p.generate(List.of(bad, good), new VacePipeline.Run(new Size(16, 16, 1), 1, 1.0,
                    "default"), VacePipeline.Hooks.NONE);
            assertNull(out.get(0).frames());
            assertNotNull(out.get(0).error());
            assertNotNull(out.get(1).frames());
        }
    }

    @Test
    void stoppingBetweenStepsReturnsNothing() {
        try (VacePipeline p = load()) {
            int[] steps = {0};
            List<VacePipeline.Output> out = p.generate(List.of(new VacePipeline.Request(VaceInputsTest.plan("<CFI>"),
                    List.of(), 1, null)), new VacePipeline.Run(new Size(16, 16, 1), 3, 1.0, "unipc"), new VacePipeline.Hooks() {
                        @Override
                        public boolean step(int done, int total) {
                            steps[0] = done;
                            return false;
                        }
                    });
            assertNull(out);
            assertEquals(1, steps[0]);
        }
    }

    @Test
    void theProjectorAddsPlannerTokensAfterThePrompt() {
        try (VacePipeline p = load(); Rng rng = new Rng(1)) {
            var withHidden = p.textConditioning(List.of("a red circle"), List.of(rng.randn(1, 7, 24)));
            var without = p.textConditioning(List.of("a red circle"), null);
            assertArrayEquals(new long[] {1, 16 + 4, 32}, ai.unison.runtime.Torch.shape(withHidden));
            assertEquals(0.0, without.narrow(1, 16, 4).abs().max().item().toDouble());
            assertTrue(withHidden.narrow(1, 16, 4).abs().max().item().toDouble() > 0);
        }
    }

    @Test
    void theFoldersGuidanceIntervalAndRescaleShapeGuidance() throws Exception {
        VacePipeline.Request r = new VacePipeline.Request(VaceInputsTest.plan("<CFI>"), List.of(), 4, null);
        VacePipeline.Run guided = new VacePipeline.Run(new Size(16, 16, 1), 4, 5.0, "unipc");
        VacePipeline.Run unguided = new VacePipeline.Run(new Size(16, 16, 1), 4, 1.0, "unipc");
        Frames full;
        Frames none;
        try (VacePipeline p = load()) {
            full = p.generate(List.of(r), guided, VacePipeline.Hooks.NONE).get(0).frames();
            none = p.generate(List.of(r), unguided, VacePipeline.Hooks.NONE).get(0).frames();
        }
        Path empty = TinyVaceFolder.write(tmp.resolve("interval-empty"), true);
        setInterval(empty, "[0.5, 0.5]");
        try (VacePipeline p = VacePipeline.load(empty, DType.FLOAT32, new Device("cpu"))) {
            assertEquals(none, p.generate(List.of(r), guided, VacePipeline.Hooks.NONE).get(0).frames(),
                    "an empty interval guides no step");
        }
        Path half = TinyVaceFolder.write(tmp.resolve("interval-half"), true);
        setInterval(half, "[0, 0.5]");
        try (VacePipeline p = VacePipeline.load(half, DType.FLOAT32, new Device("cpu"))) {
            Frames f = p.generate(List.of(r), guided, VacePipeline.Hooks.NONE).get(0).frames();
            assertTrue(!f.equals(full) && !f.equals(none), "the first half guided: neither all nor none");
        }
        Path rescaled = TinyVaceFolder.write(tmp.resolve("rescaled"), true);
        setField(rescaled, "guidance_rescale", "0.7");
        try (VacePipeline p = VacePipeline.load(rescaled, DType.FLOAT32, new Device("cpu"))) {
            Frames f = p.generate(List.of(r), guided, VacePipeline.Hooks.NONE).get(0).frames();
            assertTrue(!f.equals(full) && !f.equals(none), "guidance rescaled: another result");
        }
        Path badRescale = TinyVaceFolder.write(tmp.resolve("rescale-bad"), false);
        setField(badRescale, "guidance_rescale", "1.5");
        ConfigException re = assertThrows(ConfigException.class,
                () -> VacePipeline.load(badRescale, DType.FLOAT32, new Device("cpu")).close());
        assertTrue(re.getMessage().contains("guidance_rescale"), re.getMessage());
        for (String bad : new String[] {"[0.8, 0.2]", "[0, 2]", "0.5", "[0, \"x\"]"}) {
            Path folder = TinyVaceFolder.write(tmp.resolve("interval-bad-" + bad.hashCode()), false);
            setInterval(folder, bad);
            ConfigException e = assertThrows(ConfigException.class,
                    () -> VacePipeline.load(folder, DType.FLOAT32, new Device("cpu")).close());
            assertTrue(e.getMessage().contains("guidance_interval") && e.getMessage().contains("unison.json"),
                    e.getMessage());
        }
    }

    private static void setInterval(Path folder, String interval) throws java.io.IOException {
        setField(folder, "guidance_interval", interval);
    }

    private static void setField(Path folder, String field, String value) throws java.io.IOException {
        Path f = folder.resolve("unison.json");
        String json = Files.readString(f).strip();
        Files.writeString(f, json.substring(0, json.length() - 1) + ", \"" + field + "\": " + value + "}");
    }

    @Test
    void aMissingComponentIsNamed() throws Exception {
        Path broken = TinyVaceFolder.write(tmp.resolve("broken"));
        Files.delete(broken.resolve("vae/config.json"));
        ConfigException e = assertThrows(ConfigException.class,
                () -> VacePipeline.load(broken, DType.FLOAT32, new Device("cpu")));
        assertTrue(e.getMessage().contains("'vae'"), e.getMessage());
    }
}
