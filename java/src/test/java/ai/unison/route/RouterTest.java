package ai.unison.route;

import ai.unison.api.Overrides;
import ai.unison.api.Plan;
import ai.unison.api.Settings;
import ai.unison.api.Size;
import ai.unison.api.Task;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RouterTest {
    /** Wan-style snapping with 832×480, 81 frames by default; no batches. */
    private record StubExpert(String name, Set<Task> tasks) implements Expert {
        @Override
        public String version() {
            return "1";
        }

        @Override
        public Settings defaults() {
            return new Settings(30, 5.0, "unipc");
        }

        @Override
        public Size snap(Plan plan, Size requested) {
            return Snap.wan(requested, plan.task().output() == Task.Modality.VIDEO, 832, 480, 81);
        }

        @Override
        public long bytesPerJob(Job job) {
            return 1;
        }

        @Override
        public List<Outcome> runBatch(List<Job> jobs, StepControl control) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }
    }

    private static Plan plan(Task task, Integer w, Integer h, Integer frames) {
        return new Plan(task, "<CFV>", w, h, frames, task.output() == Task.Modality.VIDEO ? 24 : null, null, null, false,
                false, List.of(), "p", null);
    }

    private final StubExpert wan = new StubExpert("wan-vace", EnumSet.of(Task.TEXT_TO_VIDEO, Task.TEXT_TO_IMAGE));

    @Test
    void routesEachTaskToTheExpertRegisteredForIt() {
        StubExpert edit = new StubExpert("editor", EnumSet.of(Task.IMAGE_EDIT));
        Router r = new Router(List.of(wan, edit));
        assertSame(wan, r.route(plan(Task.TEXT_TO_VIDEO, null, null, null), Overrides.NONE).expert());
        assertSame(edit, r.route(plan(Task.IMAGE_EDIT, null, null, null), Overrides.NONE).expert());
        assertEquals("wan-vace (text_to_image, text_to_video); editor (image_edit)", r.installed());
    }

    @Test
    void aMissingExpertIsAnErrorListingWhatIsInstalled() {
        var e = assertThrows(RouteException.class, () -> new Router(List.of(wan)).route(plan(Task.VIDEO_EDIT, null, null, null),
                Overrides.NONE));
        assertEquals("no expert serves video_edit; installed: wan-vace (text_to_image, text_to_video)", e.getMessage());
        var none = assertThrows(RouteException.class, () -> new Router(List.of()).route(plan(Task.TEXT_TO_IMAGE, null, null, null),
                Overrides.NONE));
        assertEquals("no expert serves text_to_image; installed: none (no generation expert is loaded)", none.getMessage());
    }

    @Test
    void refusesTwoExpertsForOneTaskAndExpertsForUnderstanding() {
        StubExpert other = new StubExpert("other", EnumSet.of(Task.TEXT_TO_IMAGE));
        var e = assertThrows(IllegalArgumentException.class, () -> new Router(List.of(wan, other)));
        assertEquals("task text_to_image is served by both 'wan-vace' and 'other'; register one expert per task", e.getMessage());
        StubExpert vqa = new StubExpert("vqa", EnumSet.of(Task.IMAGE_UNDERSTANDING));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Router(List.of(vqa))).getMessage()
                .contains("the planner answers those"));
    }

    @Test
    void recordsRequestedAndSnappedSizesWithOverridesWinning() {
        Router r = new Router(List.of(wan));
        Route planned = r.route(plan(Task.TEXT_TO_VIDEO, 770, 430, 73), Overrides.NONE);
        assertEquals(new Size(770, 430, 73), planned.requested());
        assertEquals(new Size(768, 432, 73), planned.executed());
        Route unstated = r.route(plan(Task.TEXT_TO_VIDEO, null, null, null), Overrides.NONE);
        assertEquals(new Size(null, null, null), unstated.requested());
        assertEquals(new Size(832, 480, 81), unstated.executed());
        Overrides o = new Overrides(null, 8, null, "euler", 320, 240, 30, null);
        Route overridden = r.route(plan(Task.TEXT_TO_VIDEO, 770, 430, 73), o);
        assertEquals(new Size(320, 240, 30), overridden.requested());
        assertEquals(new Size(320, 240, 29), overridden.executed());
        assertEquals(new Settings(8, 5.0, "euler"), overridden.settings());
        Route image = r.route(plan(Task.TEXT_TO_IMAGE, 100, 100, null), o);
        assertEquals(new Size(320, 240, 1), image.requested(), "frames do not apply to images");
        assertEquals(new Settings(30, 5.0, "unipc"), r.route(plan(Task.TEXT_TO_IMAGE, null, null, null), Overrides.NONE).settings());
    }

    @Test
    void anExpertThatLeavesTheSizeIncompleteIsCaught() {
        Expert broken = new Expert() {
            @Override public String name() { return "broken"; }
            @Override public String version() { return "0"; }
            @Override public Set<Task> tasks() { return EnumSet.of(Task.TEXT_TO_IMAGE); }
            @Override public Settings defaults() { return new Settings(1, 1.0, "x"); }
            @Override public Size snap(Plan plan, Size requested) { return requested; }
            @Override public long bytesPerJob(Job job) { return 1; }
            @Override public List<Outcome> runBatch(List<Job> jobs, StepControl control) { return List.of(); }
            @Override public void close() { }
        };
        var e = assertThrows(IllegalStateException.class, () -> new Router(List.of(broken))
                .route(plan(Task.TEXT_TO_IMAGE, null, null, null), Overrides.NONE));
        assertTrue(e.getMessage().startsWith("expert 'broken' snapped ?×?×1 for text_to_image to ?×?×1"), e.getMessage());
    }
}
