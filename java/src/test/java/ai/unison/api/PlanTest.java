package ai.unison.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PlanTest {

    private static final Plan TEXT_TO_VIDEO = new Plan(Task.TEXT_TO_VIDEO, "<BORES>768,480<EORES><BONF>72<EONF><CFV>",
            768, 480, 73, 24, null, null, false, false, List.of(), "a blue square sliding to the right", null);

    @Test
    void printsFieldsInPlanMdOrderWithNulls() {
        assertEquals("{\"task\":\"text_to_video\",\"signal\":\"<BORES>768,480<EORES><BONF>72<EONF><CFV>\","
                + "\"width\":768,\"height\":480,\"frames\":73,\"fps\":24,\"frameRef\":null,\"edit\":null,"
                + "\"reference\":false,\"control\":false,\"attachments\":[],\"prompt\":\"a blue square sliding to the right\"}",
                TEXT_TO_VIDEO.toJson());
    }

    @Test
    void printsEditFrameRefAndAttachments() {
        Plan plan = new Plan(Task.IMAGE_TO_VIDEO, "<BOFIDX>1<EOFIDX><CFV>", null, null, null, 24, Plan.FrameRef.LAST,
                null, false, false, List.of(Attachment.of(0, "a.png")), "end here", null);
        String json = plan.toJson();
        assertTrue(json.contains("\"frameRef\":\"last\""), json);
        assertTrue(json.contains("\"attachments\":[{\"index\":0,\"kind\":\"image\",\"path\":\"a.png\"}]"), json);
        Plan edit = new Plan(Task.IMAGE_EDIT, "<BOEDIT>1,0<EOEDIT><CFI>", null, null, null, null, null,
                new Plan.Edit(1, 0), false, false, List.of(Attachment.of(0, "s.png"), Attachment.of(1, "m.png")), "x", null);
        assertTrue(edit.toJson().contains("\"edit\":{\"mask\":1,\"source\":0}"), edit.toJson());
    }

    @Test
    void answerIsPrintedOnlyWhenPresent() {
        assertFalse(TEXT_TO_VIDEO.toJson().contains("answer"));
        Plan answered = new Plan(Task.TEXT_UNDERSTANDING, "", null, null, null, null, null, null, false, false,
                List.of(), "how many frames is 2 seconds?", "48");
        assertTrue(answered.toJson().endsWith(",\"answer\":\"48\"}"), answered.toJson());
    }

    @Test
    void roundTripsThroughJson() {
        Plan plan = new Plan(Task.VIDEO_EDIT, "<BOEDIT>0,0<EOEDIT><CFV>", 640, 360, 49, 24, null, new Plan.Edit(0, 0),
                false, false, List.of(Attachment.of(0, "c.mp4")), "make the \"square\" red", null);
        assertEquals(plan, Plan.fromJson(plan.toJson()));
        assertEquals(TEXT_TO_VIDEO, Plan.fromJson(TEXT_TO_VIDEO.toJson()));
        Plan answered = new Plan(Task.IMAGE_UNDERSTANDING, "", null, null, null, null, null, null, false, false,
                List.of(Attachment.of(0, "x.jpg")), "what colour?", "red");
        assertEquals(answered, Plan.fromJson(answered.toJson()));
    }

    @Test
    void rejectsJsonWithWronglyTypedFieldNamingIt() {
        String json = TEXT_TO_VIDEO.toJson().replace("\"width\":768", "\"width\":\"768\"");
        PlanException e = assertThrows(PlanException.class, () -> Plan.fromJson(json));
        assertTrue(e.getMessage().contains("'width'") && e.getMessage().contains("\"768\""), e.getMessage());
    }

    @Test
    void rejectsJsonMissingOrUnknownFields() {
        String missing = TEXT_TO_VIDEO.toJson().replace("\"fps\":24,", "");
        assertTrue(assertThrows(PlanException.class, () -> Plan.fromJson(missing)).getMessage().contains("'fps'"));
        String unknown = TEXT_TO_VIDEO.toJson().replace("{\"task\"", "{\"seed\":3,\"task\"");
        assertTrue(assertThrows(PlanException.class, () -> Plan.fromJson(unknown)).getMessage().contains("'seed'"));
        assertThrows(PlanException.class, () -> Plan.fromJson("[1,2]"));
        assertThrows(PlanException.class, () -> Plan.fromJson("{not json"));
    }

    @Test
    void rejectsWidthWithoutHeight() {
        PlanException e = assertThrows(PlanException.class, () -> new Plan(Task.TEXT_TO_IMAGE, "<CFI>", 512, null, null,
                null, null, null, false, false, List.of(), "x", null));
        assertTrue(e.getMessage().contains("512"), e.getMessage());
    }

    @Test
    void rejectsAttachmentsOutOfIndexOrder() {
        assertThrows(PlanException.class, () -> new Plan(Task.IMAGE_EDIT, "<BOEDIT>0,0<EOEDIT><CFI>", null, null, null,
                null, null, new Plan.Edit(0, 0), false, false, List.of(Attachment.of(1, "a.png")), "x", null));
    }

    @Test
    void rejectsAnswerOnGenerationPlan() {
        assertThrows(PlanException.class, () -> new Plan(Task.TEXT_TO_IMAGE, "<CFI>", null, null, null, null, null, null,
                false, false, List.of(), "x", "an answer"));
    }
}
