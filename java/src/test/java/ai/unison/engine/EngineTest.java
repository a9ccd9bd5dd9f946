package ai.unison.engine;

import ai.unison.api.Frames;
import ai.unison.api.Input;
import ai.unison.api.Options;
import ai.unison.api.Overrides;
import ai.unison.api.Request;
import ai.unison.api.Result;
import ai.unison.api.Settings;
import ai.unison.api.Size;
import ai.unison.api.Task;
import ai.unison.api.UnisonException.Reason;
import ai.unison.plan.PlanLimits;
import ai.unison.route.Job;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static ai.unison.engine.Harness.failure;
import static ai.unison.engine.Harness.get;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EngineTest {

    @Test
    void answersUnderstandingWithThePlanner() {
        try (Harness h = new Harness()) {
            Result r = get(h.submit("what colour is the sky?"));
            assertEquals(Task.TEXT_UNDERSTANDING, r.plan().task());
            assertEquals("answer: what colour is the sky?", r.answer());
            assertNull(r.frames());
            assertNull(r.executed());
            assertEquals(Map.of("planner", "fake-planner 1"), r.versions());
            assertTrue(h.expert.batches.isEmpty());
        }
    }

    @Test
    void generatesAnImageAtTheSnappedSizeAndRecordsBoth() {
        try (Harness h = new Harness()) {
            Result r = get(h.engine.submit(Request.builder("an image of a red circle, 100x70").seed(7).build()));
            assertEquals(Task.TEXT_TO_IMAGE, r.plan().task());
            assertEquals(new Size(100, 70, 1), r.requested());
            assertEquals(new Size(96, 64, 1), r.executed());
            assertEquals(List.of(1, 64, 96, 3), List.of(r.frames().count(), r.frames().height(), r.frames().width(),
                    r.frames().channels()));
            assertEquals(7, r.frames().get(0, 10, 10, 1));
            assertEquals(7, r.seed());
            assertEquals(new Settings(3, 5.0, "unipc"), r.settings());
            assertEquals(Map.of("planner", "fake-planner 1", "fake-wan", "fake-wan 7"), r.versions());
            assertTrue(r.isImage());
        }
    }

    @Test
    void snapsVideoFramesToFourKPlusOne() {
        try (Harness h = new Harness()) {
            Result r = get(h.submit("a video of a blue square, 50 frames"));
            assertEquals(Task.TEXT_TO_VIDEO, r.plan().task());
            assertEquals(51, r.requested().frames());
            assertEquals(new Size(32, 32, 53), r.executed());
            assertEquals(53, r.frames().count());
            assertTrue(r.isVideo());
        }
    }

    @Test
    void overridesWinOverThePlanAndTheExpertDefaults() {
        try (Harness h = new Harness()) {
            Request req = Request.builder("an image, 640x480").size(100, 50).steps(9).scheduler("euler").guidance(2.5)
                    .seed(5).build();
            Result r = get(h.engine.submit(req));
            assertEquals(640, r.plan().width());
            assertEquals(new Size(100, 50, 1), r.requested());
            assertEquals(new Size(96, 48, 1), r.executed());
            assertEquals(new Settings(9, 2.5, "euler"), r.settings());
            assertEquals(5, r.seed());
        }
    }

    @Test
    void engineDefaultsApplyWhereTheRequestSetsNothing() {
        Options o = Options.builder().requestDefaults(new Overrides(null, 11, null, "ddim", null, null, null, null))
                .seed(42L).build();
        try (Harness h = new Harness(o)) {
            Result a = get(h.submit("an image"));
            Result b = get(h.engine.submit(Request.builder("an image").steps(2).build()));
            assertEquals(new Settings(11, 5.0, "ddim"), a.settings());
            assertEquals(new Settings(2, 5.0, "ddim"), b.settings());
        }
        try (Harness h1 = new Harness(o); Harness h2 = new Harness(o)) {
            assertEquals(get(h1.submit("an image")).seed(), get(h2.submit("an image")).seed(),
                    "Options.seed makes the drawn seeds reproducible");
        }
    }

    @Test
    void planOnlyReturnsThePlanWithoutAnswerOrGeneration() {
        try (Harness h = new Harness()) {
            Result u = get(h.engine.submitPlan(Request.of("what is this?")));
            assertEquals(Task.TEXT_UNDERSTANDING, u.plan().task());
            assertNull(u.answer());
            Result g = get(h.engine.submitPlan(Request.of("a video of a circle, 2 seconds")));
            assertEquals("<BONF>48<EONF><CFV>", g.plan().signal());
            assertEquals(49, g.plan().frames());
            assertNull(g.frames());
            assertTrue(h.expert.batches.isEmpty());
            Harness.poll(() -> h.planner.conditionings.get(0).closes.get() == 1, "the unused conditioning is closed");
        }
    }

    @Test
    void unservedTaskFailsNamingWhatIsInstalled() {
        FakeExpert t2i = new FakeExpert("fake-t2i", EnumSet.of(Task.TEXT_TO_IMAGE));
        try (Harness h = new Harness(new FakePlanner(), t2i, Options.defaults())) {
            var e = failure(h.submit("a video of a circle"), Reason.UNROUTABLE);
            assertTrue(e.getMessage().contains("no expert serves text_to_video; installed: fake-t2i (text_to_image)"),
                    e.getMessage());
            assertEquals(Task.TEXT_TO_IMAGE, get(h.submit("an image")).plan().task());
        }
        try (Harness h = new Harness(new FakePlanner(), null, Options.defaults())) {
            var e = failure(h.submit("an image"), Reason.UNROUTABLE);
            assertTrue(e.getMessage().contains("installed: none"), e.getMessage());
            assertEquals("answer: hello", get(h.submit("hello")).answer());
        }
    }

    @Test
    void missingOrUnsupportedAttachmentFailsAloneNamingIt() {
        try (Harness h = new Harness()) {
            var missing = h.engine.submit(Request.builder("edit this image").attach(Path.of("/no/such/photo.png")).build());
            var bmp = h.engine.submit(Request.builder("edit this image").attach(Path.of("photo.bmp")).build());
            var fine = h.submit("an image");
            assertTrue(failure(missing, Reason.INVALID).getMessage().contains("attachment 0 '/no/such/photo.png' is not a readable file"));
            assertTrue(failure(bmp, Reason.INVALID).getMessage().contains("extension 'bmp'"));
            assertEquals(Task.TEXT_TO_IMAGE, get(fine).plan().task());
        }
    }

    @Test
    void bytesAttachmentsReachTheExpertAsFilesThatAreDeletedAfterwards(@TempDir Path tmp) throws Exception {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};
        List<Input> seen = new CopyOnWriteArrayList<>();
        List<byte[]> contents = new CopyOnWriteArrayList<>();
        try (Harness h = new Harness(Options.builder().workDir(tmp).build())) {
            h.expert.onStep = (jobs, step) -> {
                if (step == 1) {
                    for (Job j : jobs) {
                        seen.addAll(j.inputs());
                        try {
                            contents.add(Files.readAllBytes(((Input.File) j.inputs().get(0)).path()));
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }
                }
            };
            Result r = get(h.engine.submit(Request.builder("edit the picture").attach("photo.png", png).build()));
            assertEquals(Task.IMAGE_EDIT, r.plan().task());
            assertEquals("photo.png", r.plan().attachments().get(0).path());
            Path spilled = ((Input.File) seen.get(0)).path();
            assertEquals(tmp, spilled.getParent());
            assertArrayEquals(png, contents.get(0));
            Harness.poll(() -> !Files.exists(spilled), "the spilled attachment is deleted");
        }
    }

    @Test
    void inlineReferencesAndPixelsBecomeInputsInOrder(@TempDir Path tmp) throws Exception {
        Path first = Files.write(tmp.resolve("first.png"), new byte[] {1});
        Frames mask = Frames.image(2, 2, 1, new byte[] {0, 1, 1, 0});
        List<Input> seen = new CopyOnWriteArrayList<>();
        try (Harness h = new Harness()) {
            h.expert.onStep = (jobs, step) -> {
                if (step == 1) {
                    seen.addAll(jobs.get(0).inputs());
                }
            };
            Result r = get(h.engine.submit(Request.builder("edit ###" + first + "### using this mask").attach(mask).build()));
            assertEquals(List.of(first.toString(), "image.png"),
                    r.plan().attachments().stream().map(a -> a.path()).toList());
            assertEquals(Input.file(first), seen.get(0));
            assertEquals(mask, assertInstanceOf(Input.Pixels.class, seen.get(1)).frames());
        }
    }

    @Test
    void planBeyondTheCapsFailsNamingTheCap() {
        Options o = Options.builder().limits(new PlanLimits(512, 512L * 512, 33, 2)).build();
        try (Harness h = new Harness(o)) {
            var wide = h.engine.submit(Request.builder("an image").size(1024, 64).build());
            var longer = h.engine.submit(Request.builder("a video").frames(65).build());
            var planned = h.submit("an image, 2000x100");
            var shrunk = h.engine.submit(Request.builder("an image, 2000x100").size(64, 64).build());
            assertTrue(failure(wide, Reason.INVALID).getMessage().contains("width 1024 exceeds the cap maxSide=512"));
            assertTrue(failure(longer, Reason.INVALID).getMessage().contains("frames 65 exceeds the cap maxFrames=33"));
            assertTrue(failure(planned, Reason.INVALID).getMessage().contains("width 2000 exceeds the cap maxSide=512"));
            assertEquals(new Size(64, 64, 1), get(shrunk).executed(), "an override within the caps wins over the plan");
        }
    }

    @Test
    void unparsablePlannerOutputFailsAsInvalid() {
        try (Harness h = new Harness()) {
            var e = failure(h.submit("bad-signal please"), Reason.INVALID);
            assertTrue(e.getMessage().contains("<BORES>12<EORES>"), e.getMessage());
        }
    }

    @Test
    void recordsWhereTheTimeWent() {
        try (Harness h = new Harness()) {
            h.expert.stepMillis = 5;
            Result r = get(h.submit("an image"));
            var t = r.timings();
            assertTrue(t.denoise().compareTo(Duration.ofMillis(15)) >= 0, t.toString());
            assertTrue(t.total().compareTo(t.plan().plus(t.encode()).plus(t.denoise()).plus(t.decode())) >= 0, t.toString());
            assertFalse(t.queued().isNegative());
        }
    }

    @Test
    void everyModelRunsOnItsOwnThreadAndIsClosedThere() {
        Harness h = new Harness();
        get(h.submit("an image"));
        get(h.submit("hello"));
        h.close();
        assertTrue(h.planner.closed);
        assertTrue(h.expert.closed);
        assertEquals(1, h.planner.threads.stream().distinct().count());
        assertEquals(1, h.expert.threads.stream().distinct().count());
        assertFalse(h.planner.threads.contains(Thread.currentThread()));
        assertFalse(h.planner.threads.get(0) == h.expert.threads.get(0));
    }

    @Test
    void closeFailsWhatIsInFlightAndRefusesNewWork() {
        Harness h = new Harness();
        h.planner.gate = new java.util.concurrent.CountDownLatch(1);
        var pending = List.of(h.submit("an image"), h.submit("hello"), h.submit("a video"));
        Thread opener = new Thread(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException ignored) {
                // the gate opens either way
            }
            h.planner.gate.countDown();
        });
        opener.start();
        h.close();
        for (var f : pending) {
            assertTrue(failure(f, Reason.CLOSED).getMessage().contains("the engine was closed"));
        }
        assertEquals(Reason.CLOSED, failure(h.submit("hello")).reason());
        assertTrue(h.planner.closed);
        assertTrue(h.expert.closed);
    }

    @Test
    void anEngineThatCannotStartClosesTheModelsItWasGiven() {
        FakePlanner p = new FakePlanner();
        FakeExpert a = new FakeExpert("a", EnumSet.of(Task.TEXT_TO_IMAGE));
        FakeExpert b = new FakeExpert("b", EnumSet.of(Task.TEXT_TO_IMAGE));
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new Engine(p, List.of(a, b), Options.defaults()));
        assertTrue(e.getMessage().contains("served by both 'a' and 'b'"));
        assertTrue(p.closed && a.closed && b.closed);
    }
}
