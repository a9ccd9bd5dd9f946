package ai.unison.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.unison.api.Attachment;
import ai.unison.api.Plan;
import ai.unison.api.PlanException;
import ai.unison.api.Task;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SignalGrammarTest {

    private static final List<Attachment> IMAGE = List.of(Attachment.of(0, "a.png"));
    private static final List<Attachment> VIDEO = List.of(Attachment.of(0, "c.mp4"));
    private static final List<Attachment> TWO_IMAGES = List.of(Attachment.of(0, "a.png"), Attachment.of(1, "m.png"));

    @Test
    void hasTheFourteenTokensInPlanMdOrder() {
        assertEquals(List.of("<CFI>", "<CFV>", "<BORES>", "<EORES>", "<BONF>", "<EONF>", "<BOFIDX>", "<EOFIDX>", "<REF>",
                "<CTRL>", "<BOEDIT>", "<EOEDIT>", "<IMGPAD>", "<VIDPAD>"), SignalGrammar.TOKENS);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "<CFI>|text_to_image|0",
            "<BORES>1024,768<EORES><CFI>|text_to_image|0",
            "<BORES>768,480<EORES><BONF>72<EONF><CFV>|text_to_video|0",
            "<CFV>|text_to_video|0",
            "<BOEDIT>1,0<EOEDIT><CFI>|image_edit|2",
            "<BORES>512,512<EORES><BOEDIT>0,1<EOEDIT><CFI>|image_edit|2",
            "<CTRL><CFI>|image_control|1",
            "<BORES>640,480<EORES><CTRL><CFI>|image_control|1",
            "<REF><CFI>|image_reference|1",
            "<BONF>48<EONF><BOFIDX>0<EOFIDX><CFV>|image_to_video|1",
            "<BORES>1280,720<EORES><BOFIDX>1<EOFIDX><CFV>|image_to_video|1",
            "<BONF>96<EONF><REF><CFV>|video_reference|1",
            "<BOEDIT>0,0<EOEDIT><CFV>|video_edit|1",
            "<BOEDIT>1,0<EOEDIT><CFV>|video_edit|2",
            "<CTRL><CFV>|video_control|1",
            "<BORES>320,240<EORES><BONF>0<EONF><CTRL><CFV>|video_control|1"})
    void roundTripsEveryGenerationTaskAndNamesIt(String signal, String task, int attachments) {
        Signal parsed = SignalGrammar.parse(signal);
        assertEquals(signal, SignalGrammar.print(parsed));
        assertEquals(parsed, SignalGrammar.parse(SignalGrammar.print(parsed)));
        assertEquals(Task.fromWireName(task), SignalGrammar.task(parsed, TWO_IMAGES.subList(0, attachments)));
    }

    @Test
    void textWithoutSignalTokensIsAnUnderstandingAnswerByFirstAttachment() {
        Signal s = SignalGrammar.parse("  a red circle at the top-left.\n");
        assertEquals(Signal.End.NONE, s.end());
        assertEquals("a red circle at the top-left.", s.answer());
        assertEquals("a red circle at the top-left.", SignalGrammar.print(s));
        assertEquals(Task.TEXT_UNDERSTANDING, SignalGrammar.task(s, List.of()));
        assertEquals(Task.IMAGE_UNDERSTANDING, SignalGrammar.task(s, List.of(Attachment.of(0, "a.jpg"), Attachment.of(1, "b.mp4"))));
        assertEquals(Task.VIDEO_UNDERSTANDING, SignalGrammar.task(s, List.of(Attachment.of(0, "b.mov"), Attachment.of(1, "a.jpg"))));
    }

    @Test
    void parsesSpanValues() {
        Signal s = SignalGrammar.parse("<BORES>1280,720<EORES><BONF>72<EONF><BOFIDX>1<EOFIDX><CFV>");
        assertEquals(1280, s.width());
        assertEquals(720, s.height());
        assertEquals(72, s.frameToken());
        assertEquals(1, s.frameIndex());
        assertNull(s.edit());
        assertEquals(new Plan.Edit(2, 1), SignalGrammar.parse("<BOEDIT>2,1<EOEDIT><CFI>").edit());
    }

    @Test
    void videoPlanHasNPlusOneFramesAt24Fps() {
        Plan plan = SignalGrammar.toPlan("<BORES>768,480<EORES><BONF>72<EONF><CFV>", List.of(), "a square");
        assertEquals(Task.TEXT_TO_VIDEO, plan.task());
        assertEquals(73, plan.frames());
        assertEquals(24, plan.fps());
        assertEquals(768, plan.width());
        assertEquals("<BORES>768,480<EORES><BONF>72<EONF><CFV>", plan.signal());
    }

    @Test
    void videoPlanWithoutFrameSpanHasNullFramesButFps() {
        Plan plan = SignalGrammar.toPlan("<CFV>", List.of(), "p");
        assertNull(plan.frames());
        assertEquals(24, plan.fps());
        assertNull(plan.width());
    }

    @Test
    void imagePlanHasNoFramesOrFps() {
        Plan plan = SignalGrammar.toPlan("<REF><CFI>", IMAGE, "p");
        assertEquals(Task.IMAGE_REFERENCE, plan.task());
        assertNull(plan.frames());
        assertNull(plan.fps());
        assertTrue(plan.reference());
        assertFalse(plan.control());
    }

    @Test
    void frameIndexZeroIsFirstAndOneIsLast() {
        assertEquals(Plan.FrameRef.FIRST, SignalGrammar.toPlan("<BOFIDX>0<EOFIDX><CFV>", IMAGE, "p").frameRef());
        assertEquals(Plan.FrameRef.LAST, SignalGrammar.toPlan("<BOFIDX>1<EOFIDX><CFV>", IMAGE, "p").frameRef());
        assertNull(SignalGrammar.toPlan("<CFV>", List.of(), "p").frameRef());
    }

    @Test
    void understandingPlanHasEmptySignalAndTheAnswer() {
        Plan plan = SignalGrammar.toPlan("blue", VIDEO, "what colour is it?");
        assertEquals(Task.VIDEO_UNDERSTANDING, plan.task());
        assertEquals("", plan.signal());
        assertEquals("blue", plan.answer());
        assertNull(plan.fps());
    }

    @Test
    void editPlanCarriesMaskAndSource() {
        Plan plan = SignalGrammar.toPlan("<BOEDIT>1,0<EOEDIT><CFI>", TWO_IMAGES, "p");
        assertEquals(new Plan.Edit(1, 0), plan.edit());
    }

    @Test
    void rejectsEditIndexBeyondAttachments() {
        PlanException e = assertThrows(PlanException.class, () -> SignalGrammar.toPlan("<BOEDIT>2,0<EOEDIT><CFI>", TWO_IMAGES, "p"));
        assertTrue(e.getMessage().contains("attachment 2") && e.getMessage().contains("has 2"), e.getMessage());
    }

    @Test
    void rejectsAttachmentTaskWithoutAttachments() {
        PlanException e = assertThrows(PlanException.class, () -> SignalGrammar.toPlan("<CTRL><CFI>", List.of(), "p"));
        assertTrue(e.getMessage().contains("image_control"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "<BORES>1024x768<EORES><CFI>|'1024x768'",
            "<BORES>1024,-768<EORES><CFI>|'-768'",
            "<BORES>+1024,768<EORES><CFI>|'+1024'",
            "<BORES>0768,1024<EORES><CFI>|'0768'",
            "<BORES>1024,768,3<EORES><CFI>|1024,768,3",
            "<BORES>0,768<EORES><CFI>|width",
            "<BORES>1024, 768<EORES><CFI>|' 768'",
            "<BONF>7.5<EONF><CFV>|'7.5'",
            "<BONF>72<EONF><CFV>x|'x'",
            "<BONF>1234567890<EONF><CFV>|'1234567890'",
            "<BONF><EONF><CFV>|<BONF>",
            "<BOFIDX>2<EOFIDX><CFV>|got 2",
            "<BOEDIT>a,0<EOEDIT><CFI>|'a'",
            "<BORES>1024,768<CFI>|<EORES>",
            "<BORES>1024,768<EORES>|<CFI>",
            "<BONF>72<EONF><BORES>10,10<EORES><CFV>|<BORES>",
            "<REF><REF><CFI>|appears twice",
            "<CTRL><REF><CFI>|<REF>",
            "<CFI><CFV>|<CFV>",
            "<CFI> thanks|thanks",
            "<BONF>72<EONF><CFI>|<BONF>72<EONF>",
            "<BOFIDX>0<EOFIDX><CFI>|<BOFIDX>0<EOFIDX>",
            "<BOFIDX>0<EOFIDX><REF><CFV>|at most one",
            "<BOEDIT>0,0<EOEDIT><CTRL><CFI>|at most one",
            "<IMGPAD><CFI>|<IMGPAD>",
            "<EORES><CFI>|<EORES>",
            "hello <CFI>|hello"})
    void rejectsMalformedSignalsNamingTheOffendingValue(String signal, String named) {
        PlanException e = assertThrows(PlanException.class, () -> SignalGrammar.parse(signal));
        assertTrue(e.getMessage().contains(named), e.getMessage());
        assertTrue(e.getMessage().startsWith("malformed signal '"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"48", "yes", "a large red circle at the top-left on a gray background", "<CF I>", ""})
    void plainTextRoundTripsAsAnswer(String text) {
        Signal s = SignalGrammar.parse(text);
        assertEquals(Signal.End.NONE, s.end());
        assertEquals(text, SignalGrammar.print(s));
    }

    @Test
    void signalToStringIsTheCanonicalString() {
        assertEquals("<BONF>24<EONF><CFV>", SignalGrammar.parse(" <BONF>24<EONF><CFV>\n").toString());
    }
}
