package ai.unison.route;

import ai.unison.api.Input;
import ai.unison.plan.RequestText;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlanTaskTest {
    private static PlanTask task() {
        return new PlanTask("r-1", RequestText.prepare("hello", List.of()), List.of(), true, 1, () -> true);
    }

    @Test
    void theFirstCompletionWinsAndALaterConditioningIsClosed() {
        PlanTask t = task();
        AtomicInteger closes = new AtomicInteger();
        t.complete("<CFI>", null);
        t.complete("<CFV>", closes::incrementAndGet);
        t.fail(new IllegalStateException("late"));
        assertTrue(t.isDone());
        assertEquals("<CFI>", t.outcome().join().text());
        assertEquals(1, closes.get());
    }

    @Test
    void inputsMustMatchTheAttachments() {
        var prepared = RequestText.prepare("edit", List.of("a.png"));
        var e = assertThrows(IllegalArgumentException.class,
                () -> new PlanTask("r-2", prepared, List.of(), true, 1, () -> true));
        assertEquals("request r-2 has 1 attachments but 0 inputs", e.getMessage());
        assertEquals(1, new PlanTask("r-3", prepared, List.of(Input.file(Path.of("a.png"))), true, 1, () -> true)
                .inputs().size());
    }
}
