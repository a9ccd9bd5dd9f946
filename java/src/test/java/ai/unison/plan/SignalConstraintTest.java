package ai.unison.plan;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.unison.api.Attachment;
import ai.unison.api.Plan;
import ai.unison.api.PlanException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class SignalConstraintTest {

    private static final TestVocabs TOY = TestVocabs.toy();
    private static final TestVocabs REAL = TestVocabs.realistic();
    private static final SignalConstraint TOY_C = TOY.constraint(PlanLimits.DEFAULTS);
    private static final SignalConstraint REAL_C = REAL.constraint(PlanLimits.DEFAULTS);

    /** One valid signal per task shape, with the attachments it needs. */
    private static final List<String> SIGNALS = List.of(
            "<CFI>", "<CFV>", "<BORES>1024,768<EORES><CFI>", "<BORES>3840,2160<EORES><BONF>1024<EONF><CFV>",
            "<BORES>4096,2025<EORES><CFI>", "<BONF>0<EONF><CFV>", "<BONF>72<EONF><CFV>", "<BOEDIT>1,0<EOEDIT><CFI>",
            "<BORES>512,512<EORES><BOEDIT>0,1<EOEDIT><CFI>", "<CTRL><CFI>", "<REF><CFI>", "<BORES>640,480<EORES><CTRL><CFI>",
            "<BONF>48<EONF><BOFIDX>0<EOFIDX><CFV>", "<BOFIDX>1<EOFIDX><CFV>", "<BONF>96<EONF><REF><CFV>",
            "<BOEDIT>0,0<EOEDIT><CFV>", "<CTRL><CFV>", "<BORES>1,1<EORES><BONF>10<EONF><CTRL><CFV>",
            "<BORES>768,480<EORES><BONF>72<EONF><CFV>", "<BORES>1080,1920<EORES><BONF>120<EONF><REF><CFV>");

    // ---- helpers

    private static int[] encode(TestVocabs v, String signal, Random random) {
        List<Integer> ids = new ArrayList<>();
        int i = 0;
        while (i < signal.length()) {
            String token = null;
            for (String t : SignalGrammar.TOKENS) {
                if (signal.startsWith(t, i)) {
                    token = t;
                }
            }
            if (token != null) {
                ids.add(v.signal(token));
                i += token.length();
                continue;
            }
            List<Integer> candidates = new ArrayList<>();
            for (int id = 0; id < v.pieces().size(); id++) {
                String p = v.pieces().get(id);
                if (p != null && !p.isEmpty() && p.chars().allMatch(c -> c == ',' || c >= '0' && c <= '9')
                        && signal.startsWith(p, i) && !v.signalIds().containsValue(id)) {
                    candidates.add(id);
                }
            }
            int id = candidates.get(random.nextInt(candidates.size()));
            ids.add(id);
            i += v.pieces().get(id).length();
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    private static SignalConstraint.Decoder after(SignalConstraint c, int attachments, int... ids) {
        SignalConstraint.Decoder d = c.start(attachments);
        for (int id : ids) {
            d.advance(id);
        }
        return d;
    }

    private static boolean allows(SignalConstraint.Decoder d, int id) {
        return d.allowed().get(id);
    }

    private static List<Attachment> images(int n) {
        List<Attachment> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(Attachment.of(i, "a" + i + ".png"));
        }
        return list;
    }


    private static int pick(BitSet set, Random random) {
        int k = random.nextInt(set.cardinality());
        int id = set.nextSetBit(0);
        for (int i = 0; i < k; i++) {
            id = set.nextSetBit(id + 1);
        }
        return id;
    }

    /**
     * Walks from the start over allowed tokens until end-of-sequence; checks on the way that the
     * allowed set is never empty and, when {@code checkAgreement}, that advance accepts exactly it.
     */
    private static String walk(SignalConstraint c, TestVocabs v, int attachments, Random random, boolean checkAgreement) {
        SignalConstraint.Decoder d = c.start(attachments);
        StringBuilder text = new StringBuilder();
        for (int step = 0; step < 400; step++) {
            BitSet allowed = d.allowed();
            assertFalse(allowed.isEmpty(), "no token allowed after '" + text + "'");
            if (checkAgreement) {
                assertAdvanceAcceptsExactly(d, allowed, v, text);
            }
            int id;
            if (allowed.get(v.eos()) && random.nextDouble() < 0.25) {
                id = v.eos();
            } else {
                BitSet signals = new BitSet();
                v.signalIds().values().stream().filter(allowed::get).forEach(signals::set);
                id = !signals.isEmpty() && random.nextDouble() < 0.7 ? pick(signals, random) : pick(allowed, random);
            }
            d.advance(id);
            if (d.isDone()) {
                return text.toString();
            }
            text.append(v.pieces().get(id));
        }
        return fail("walk did not end: " + text);
    }

    private static void assertAdvanceAcceptsExactly(SignalConstraint.Decoder d, BitSet allowed, TestVocabs v, CharSequence text) {
        for (int id = 0; id < v.pieces().size(); id++) {
            SignalConstraint.Decoder copy = d.copy();
            boolean accepted;
            try {
                copy.advance(id);
                accepted = true;
            } catch (PlanException e) {
                accepted = false;
            }
            if (accepted != allowed.get(id)) {
                fail("after '" + text + "' token " + id + " '" + v.pieces().get(id) + "' allowed=" + allowed.get(id)
                        + " but advance " + (accepted ? "accepts" : "refuses") + " it");
            }
        }
    }

    private static void assertWalksParse(SignalConstraint c, TestVocabs v, PlanLimits limits, int walks, long seed, boolean agreement) {
        Random random = new Random(seed);
        int plans = 0;
        for (int w = 0; w < walks; w++) {
            int attachments = random.nextInt(4);
            String text = walk(c, v, attachments, random, agreement);
            Signal s = SignalGrammar.parse(text);
            if (s.end() == Signal.End.NONE) {
                for (String token : SignalGrammar.TOKENS) {
                    assertFalse(text.contains(token), text);
                }
                continue;
            }
            plans++;
            assertEquals(text, SignalGrammar.print(s));
            Plan plan = SignalGrammar.toPlan(text, images(attachments), "p");
            limits.validate(plan);
        }
        assertTrue(plans > walks / 4, "only " + plans + " of " + walks + " walks made plans");
    }

    // ---- properties

    @Test
    void randomWalksOverAllowedTokensAlwaysParseWithinCapsOnToyVocabulary() {
        assertWalksParse(TOY_C, TOY, PlanLimits.DEFAULTS, 3000, 1, true);
    }

    @Test
    void randomWalksOverAllowedTokensAlwaysParseWithinCapsOnRealisticVocabulary() {
        assertWalksParse(REAL_C, REAL, PlanLimits.DEFAULTS, 1000, 2, false);
        PlanLimits tight = new PlanLimits(300, 30_000, 50, 3);
        assertWalksParse(REAL.constraint(tight), REAL, tight, 1000, 3, false);
    }

    @Test
    void allowedSetIsExactlyWhatAdvanceAcceptsOnRealisticVocabulary() {
        assertWalksParse(REAL_C, REAL, PlanLimits.DEFAULTS, 40, 4, true);
    }

    @Test
    void allowsEveryValidSignalInAnySegmentation() {
        Random random = new Random(5);
        for (TestVocabs v : List.of(TOY, REAL)) {
            SignalConstraint c = v.constraint(PlanLimits.DEFAULTS);
            for (String signal : SIGNALS) {
                for (int round = 0; round < 20; round++) {
                    int[] ids = encode(v, signal, random);
                    SignalConstraint.Decoder d = c.start(2);
                    for (int id : ids) {
                        assertTrue(allows(d, id), signal + ": token '" + v.pieces().get(id) + "' refused");
                        d.advance(id);
                    }
                    assertTrue(allows(d, v.eos()), signal + ": end-of-sequence refused");
                    d.advance(v.eos());
                    assertTrue(d.isDone());
                }
            }
        }
    }

    // ---- specific states

    @Test
    void startAllowsTextAndOpenersButNotEosClosersOrPads() {
        BitSet allowed = TOY_C.start(1).allowed();
        for (String t : List.of("<BORES>", "<BONF>", "<BOFIDX>", "<BOEDIT>", "<REF>", "<CTRL>", "<CFI>", "<CFV>")) {
            assertTrue(allowed.get(TOY.signal(t)), t);
        }
        for (String t : List.of("<EORES>", "<EONF>", "<EOFIDX>", "<EOEDIT>", "<IMGPAD>", "<VIDPAD>")) {
            assertFalse(allowed.get(TOY.signal(t)), t);
        }
        assertFalse(allowed.get(TOY.eos()));
        assertTrue(allowed.get(TOY.id("a")));
        assertTrue(allowed.get(TOY.id("7")), "a number is a valid answer");
    }

    @Test
    void attachmentTasksNeedAnAttachment() {
        BitSet allowed = TOY_C.start(0).allowed();
        for (String t : List.of("<BOFIDX>", "<BOEDIT>", "<REF>", "<CTRL>")) {
            assertFalse(allowed.get(TOY.signal(t)), t);
        }
        assertTrue(allowed.get(TOY.signal("<BORES>")));
    }

    @Test
    void refusesLeadingZerosAndZeroSides() {
        SignalConstraint.Decoder w = after(REAL_C, 0, REAL.signal("<BORES>"));
        assertFalse(allows(w, REAL.id("0")));
        assertFalse(allows(w, REAL.id("05")));
        assertFalse(allows(w, REAL.id("007")));
        SignalConstraint.Decoder n = after(REAL_C, 0, REAL.signal("<BONF>"), REAL.id("0"));
        assertFalse(allows(n, REAL.id("0")));
        assertFalse(allows(n, REAL.id("5")));
        assertTrue(allows(n, REAL.signal("<EONF>")));
        SignalConstraint.Decoder tail = after(REAL_C, 0, REAL.signal("<BONF>"), REAL.id("1"));
        assertTrue(allows(tail, REAL.id("05")), "zeros inside a number are fine: 105");
    }

    @Test
    void keepsSidesAndPixelsWithinCaps() {
        SignalConstraint c = REAL.constraint(new PlanLimits(1000, 500_000, 1025, 8));
        SignalConstraint.Decoder w = after(c, 0, REAL.signal("<BORES>"));
        assertTrue(allows(w, REAL.id("768")));
        assertFalse(allows(w, REAL.id("1080")));
        assertFalse(allows(w, REAL.id("2024")));
        SignalConstraint.Decoder w100 = after(c, 0, REAL.signal("<BORES>"), REAL.id("100"));
        assertTrue(allows(w100, REAL.id("0")));
        assertFalse(allows(w100, REAL.id("1")));
        assertFalse(allows(w100, REAL.id("00")));
        SignalConstraint.Decoder h = after(c, 0, REAL.signal("<BORES>"), REAL.id("100"), REAL.id("0"), REAL.id(","));
        assertTrue(allows(h, REAL.id("500")));
        assertFalse(allows(h, REAL.id("501")));
        assertFalse(allows(h, REAL.signal("<EORES>")), "a side needs a digit");
        SignalConstraint.Decoder h5 = after(c, 0, REAL.signal("<BORES>"), REAL.id("100"), REAL.id("0"), REAL.id(","), REAL.id("50"));
        assertTrue(allows(h5, REAL.id("0")));
        assertFalse(allows(h5, REAL.id("1")));
        assertTrue(allows(h5, REAL.signal("<EORES>")));
    }

    @Test
    void allowsMultiDigitTokensOnlyWhileTheNumberFits() {
        SignalConstraint.Decoder w40 = after(REAL_C, 0, REAL.signal("<BORES>"), REAL.id("40"));
        assertTrue(allows(w40, REAL.id("96")));
        assertFalse(allows(w40, REAL.id("97")));
        assertFalse(allows(w40, REAL.id("000")));
        SignalConstraint.Decoder w = after(REAL_C, 0, REAL.signal("<BORES>"));
        assertFalse(allows(w, REAL.id("7680")));
        assertFalse(allows(w, REAL.id("1234567890")));
        assertFalse(allows(w, REAL.id(" 12")), "pieces with spaces are not numbers");
    }

    @Test
    void simulatesTokensWithCommas() {
        SignalConstraint.Decoder w = after(REAL_C, 0, REAL.signal("<BORES>"));
        assertTrue(allows(w, REAL.id("768,")));
        assertTrue(allows(w, REAL.id("12,34")));
        assertFalse(allows(w, REAL.id(",480")), "no width before the comma");
        assertFalse(allows(w, REAL.id("1,2,3")));
        SignalConstraint.Decoder w768 = after(REAL_C, 0, REAL.signal("<BORES>"), REAL.id("768"));
        assertTrue(allows(w768, REAL.id(",480")));
        w768.advance(REAL.id(",480"));
        assertTrue(allows(w768, REAL.signal("<EORES>")));
        assertFalse(allows(w768, REAL.id(",")));
        SignalConstraint.Decoder n = after(REAL_C, 0, REAL.signal("<BONF>"));
        assertFalse(allows(n, REAL.id("768,")), "a frame count has no comma");
    }

    @Test
    void frameIndexIsZeroOrOne() {
        SignalConstraint.Decoder k = after(REAL_C, 1, REAL.signal("<BOFIDX>"));
        assertTrue(allows(k, REAL.id("0")));
        assertTrue(allows(k, REAL.id("1")));
        assertFalse(allows(k, REAL.id("2")));
        assertFalse(allows(k, REAL.id("10")));
        k.advance(REAL.id("1"));
        assertFalse(allows(k, REAL.id("0")));
        assertTrue(allows(k, REAL.signal("<EOFIDX>")));
    }

    @Test
    void frameTokenStaysWithinFrameCap() {
        SignalConstraint.Decoder n = after(REAL_C, 0, REAL.signal("<BONF>"), REAL.id("102"));
        assertTrue(allows(n, REAL.id("4")));
        assertFalse(allows(n, REAL.id("5")));
    }

    @Test
    void editIndicesStayBelowAttachmentCount() {
        SignalConstraint.Decoder m = after(REAL_C, 2, REAL.signal("<BOEDIT>"));
        assertTrue(allows(m, REAL.id("1")));
        assertFalse(allows(m, REAL.id("2")));
        SignalConstraint many = REAL.constraint(new PlanLimits(4096, 1 << 24, 1025, 20));
        SignalConstraint.Decoder m12 = after(many, 12, REAL.signal("<BOEDIT>"));
        assertTrue(allows(m12, REAL.id("11")));
        assertFalse(allows(m12, REAL.id("12")));
        m12.advance(REAL.id("1"));
        assertTrue(allows(m12, REAL.id("1")));
        assertFalse(allows(m12, REAL.id("2")));
        assertTrue(allows(m12, REAL.id(",")));
        assertFalse(allows(m12, REAL.signal("<EOEDIT>")), "the source index is missing");
    }

    @Test
    void imagePlansRefuseFrameSpans() {
        assertFalse(allows(after(TOY_C, 1, TOY.signal("<BONF>"), TOY.id("7"), TOY.signal("<EONF>")), TOY.signal("<CFI>")));
        SignalConstraint.Decoder k = after(TOY_C, 1, TOY.signal("<BOFIDX>"), TOY.id("0"), TOY.signal("<EOFIDX>"));
        assertFalse(allows(k, TOY.signal("<CFI>")));
        assertTrue(allows(k, TOY.signal("<CFV>")));
    }

    @Test
    void refusesSecondTaskMarkerAndSpansOutOfOrder() {
        SignalConstraint.Decoder ref = after(TOY_C, 2, TOY.signal("<REF>"));
        assertFalse(allows(ref, TOY.signal("<CTRL>")));
        assertFalse(allows(ref, TOY.signal("<REF>")));
        assertFalse(allows(ref, TOY.signal("<BORES>")));
        assertTrue(allows(ref, TOY.signal("<CFI>")));
        SignalConstraint.Decoder nf = after(TOY_C, 2, TOY.signal("<BONF>"), TOY.id("7"), TOY.signal("<EONF>"));
        assertFalse(allows(nf, TOY.signal("<BORES>")));
        assertFalse(allows(nf, TOY.signal("<BONF>")));
        assertTrue(allows(nf, TOY.signal("<BOEDIT>")));
        assertThrows(PlanException.class, () -> nf.copy().advance(TOY.signal("<BORES>")));
    }

    @Test
    void onlyEndOfSequenceFollowsTheFinalTokenAndItKeepsPadding() {
        SignalConstraint.Decoder d = after(TOY_C, 0, TOY.signal("<CFV>"));
        BitSet expected = new BitSet();
        expected.set(TOY.eos());
        assertEquals(expected, d.allowed());
        d.advance(TOY.eos());
        assertTrue(d.isDone());
        assertEquals(expected, d.allowed());
        assertDoesNotThrow(() -> d.advance(TOY.eos()));
        assertThrows(PlanException.class, () -> d.advance(TOY.id("a")));
    }

    @Test
    void answerTextNeverSpellsASignalToken() {
        SignalConstraint.Decoder d = after(TOY_C, 0, TOY.id("a"), TOY.id("<"), TOY.id("CF"));
        assertFalse(allows(d, TOY.id("I>")));
        assertTrue(allows(d, TOY.id(">")));
        assertTrue(allows(d, TOY.eos()));
        assertFalse(allows(d, TOY.signal("<CFI>")), "no signal token inside an answer");
        assertFalse(REAL_C.start(0).allowed().get(REAL.id("<REF>")), "a plain piece spelling a signal token");
        SignalConstraint.Decoder real = after(REAL_C, 0, REAL.id("<RE"));
        assertFalse(allows(real, REAL.id("F>")));
        assertTrue(allows(real, REAL.id("CFV>")));
        SignalConstraint.Decoder cf = after(REAL_C, 0, REAL.id("<"), REAL.id("<CF"));
        assertFalse(allows(cf, REAL.id("I>")), "the open tail is the last '<CF', not the first '<'");
    }

    @Test
    void refusedTokenLeavesTheStateUnchanged() {
        SignalConstraint.Decoder d = TOY_C.start(1);
        BitSet before = d.allowed();
        assertThrows(PlanException.class, () -> d.advance(TOY.signal("<EORES>")));
        assertThrows(PlanException.class, () -> d.advance(TOY.eos()));
        assertEquals(before, d.allowed());
        SignalConstraint.Decoder w = after(REAL_C, 0, REAL.signal("<BORES>"), REAL.id("40"));
        BitSet inWidth = w.allowed();
        assertThrows(PlanException.class, () -> w.advance(REAL.id("97")));
        assertThrows(PlanException.class, () -> w.advance(REAL.id("1,2,3")));
        assertEquals(inWidth, w.allowed());
        w.advance(REAL.id("96"));
        assertTrue(allows(w, REAL.id(",")));
    }

    @Test
    void unusableIdsAreNeverAllowed() {
        int nullId = REAL.pieces().indexOf(null);
        int emptyId = REAL.pieces().indexOf("");
        assertFalse(REAL_C.start(0).allowed().get(nullId));
        assertFalse(REAL_C.start(0).allowed().get(emptyId));
        assertThrows(PlanException.class, () -> REAL_C.start(0).advance(nullId));
    }

    @Test
    void rejectsVocabularyWithoutSignalTokens() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SignalConstraint(List.of("a", "b"), java.util.Map.of(), List.of(0), PlanLimits.DEFAULTS));
        assertTrue(e.getMessage().contains("<CFI>"), e.getMessage());
    }

    @Test
    void realQwenVocabularyAllowsValidSignalsAndWalksParse() throws IOException {
        TestVocabs qwen = TestVocabs.qwen();
        Assumptions.assumeTrue(qwen != null, "Qwen tokenizer fixture not present");
        SignalConstraint c = qwen.constraint(PlanLimits.DEFAULTS);
        assertTrue(c.vocabSize() > 150_000);
        Random random = new Random(6);
        for (String signal : SIGNALS) {
            SignalConstraint.Decoder d = c.start(2);
            for (int id : encode(qwen, signal, random)) {
                assertTrue(allows(d, id), signal);
                d.advance(id);
            }
            assertTrue(allows(d, qwen.eos()));
        }
        assertWalksParse(c, qwen, PlanLimits.DEFAULTS, 100, 7, false);
        assertWalksParse(c, qwen, PlanLimits.DEFAULTS, 2, 8, true);
    }
}
