package ai.unison.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.unison.api.Task.Modality;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskTest {

    @Test
    void wireNamesAreThoseOfPlanMd() {
        assertEquals(List.of("text_understanding", "image_understanding", "video_understanding", "text_to_image",
                "text_to_video", "image_edit", "image_control", "image_reference", "image_to_video", "video_reference",
                "video_edit", "video_control"), Arrays.stream(Task.values()).map(Task::wireName).toList());
    }

    @Test
    void modalitiesFollowTheTaskTable() {
        assertEquals(Modality.TEXT, Task.TEXT_TO_VIDEO.input());
        assertEquals(Modality.VIDEO, Task.TEXT_TO_VIDEO.output());
        assertEquals(Modality.IMAGE, Task.VIDEO_REFERENCE.input());
        assertEquals(Modality.VIDEO, Task.VIDEO_REFERENCE.output());
        assertEquals(Modality.IMAGE, Task.IMAGE_TO_VIDEO.input());
        assertEquals(Modality.VIDEO, Task.VIDEO_CONTROL.input());
        assertEquals(Modality.IMAGE, Task.IMAGE_CONTROL.output());
        assertEquals(Modality.VIDEO, Task.VIDEO_UNDERSTANDING.input());
    }

    @Test
    void exactlyThreeTasksAreUnderstanding() {
        List<Task> understanding = Arrays.stream(Task.values()).filter(Task::isUnderstanding).toList();
        assertEquals(List.of(Task.TEXT_UNDERSTANDING, Task.IMAGE_UNDERSTANDING, Task.VIDEO_UNDERSTANDING), understanding);
        assertFalse(Task.IMAGE_EDIT.isUnderstanding());
    }

    @Test
    void readsEveryWireNameBack() {
        for (Task task : Task.values()) {
            assertEquals(task, Task.fromWireName(task.wireName()));
        }
    }

    @Test
    void rejectsUnknownWireNameNamingIt() {
        PlanException e = assertThrows(PlanException.class, () -> Task.fromWireName("image_to_image"));
        assertTrue(e.getMessage().contains("'image_to_image'"), e.getMessage());
    }
}
