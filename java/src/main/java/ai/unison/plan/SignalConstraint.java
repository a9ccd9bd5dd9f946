package ai.unison.plan;

import ai.unison.api.PlanException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Constrained decoding of planner output as a token-level automaton. At every step it gives the
 * token ids that keep the output either a prefix of a plan in {@link SignalGrammar}'s grammar
 * (numbers within {@link PlanLimits}, K ∈ {0,1}, edit indices below the request's attachment count,
 * no leading zeros), followed only by end-of-sequence, or plain answer text: no signal token, and no
 * run of ordinary tokens whose text spells one, then end-of-sequence. Every allowed token keeps a
 * valid completion reachable, so decoding never gets stuck.
 *
 * <p>Built once per vocabulary (this object is immutable and thread-safe); each request gets its
 * own {@link Decoder} from {@link #start(int)}. Inside spans only tokens whose text is made of digits
 * and commas are allowed; digit-only tokens are kept sorted by value per length so that a step costs
 * a binary search and the bits it sets. Sets for answer text are computed once per state and cached.
 */
public final class SignalConstraint {

    private static final int MAX_DIGITS = SignalGrammar.MAX_DIGITS;
    private static final long MAX_NUMBER = pow10(MAX_DIGITS) - 1;

    private enum Mode { START, ANSWER, PLAN, END, DONE }

    /** The numbers inside spans, with what closes each. */
    private enum Field { W, H, N, K, M, S }

    private static final List<String> OPENERS = SignalGrammar.OPENERS;

    private final int vocabSize;
    private final String[] pieces;
    private final PlanLimits limits;
    /** Token id of each signal token, by its index in {@link SignalGrammar#TOKENS}. */
    private final int[] signalIds = new int[SignalGrammar.TOKENS.size()];
    private final Map<Integer, Integer> signalIndexById = new HashMap<>();
    private final BitSet eos = new BitSet();
    /** Tokens that may appear in answer text before any check against signal-token spellings. */
    private final BitSet plain = new BitSet();
    /** Plain tokens whose text contains '>', the only ones that can complete a spelled signal token. */
    private final int[] plainWithGt;
    /** Digit-only tokens: for each length, values ascending and their ids. */
    private final long[][] digitValues = new long[MAX_DIGITS + 1][];
    private final int[][] digitIds = new int[MAX_DIGITS + 1][];
    /** Tokens made of digits and at least one comma. */
    private final int[] commaTokens;
    private final int longestSignal;
    private final ConcurrentMap<String, BitSet> answerSets = new ConcurrentHashMap<>();
    private final BitSet startWithoutAttachments;
    private final BitSet startWithAttachments;

    /**
     * @param pieces    decoded text of every token id, as it appears in generated text (for byte-level
     *                  BPE: after mapping bytes back, so a leading space is " "); null for ids that must
     *                  never be generated (unused rows, control tokens)
     * @param signalIds the id of each of the fourteen signal tokens, keyed by its text ({@code "<CFI>"})
     * @param eosIds    the ids that end generation
     * @param limits    caps on width, height, pixels and frames
     */
    public SignalConstraint(List<String> pieces, Map<String, Integer> signalIds, Collection<Integer> eosIds, PlanLimits limits) {
        this.vocabSize = pieces.size();
        this.pieces = pieces.toArray(new String[0]);
        this.limits = limits;
        for (int i = 0; i < SignalGrammar.TOKENS.size(); i++) {
            String token = SignalGrammar.TOKENS.get(i);
            Integer id = signalIds.get(token);
            if (id == null || id < 0 || id >= vocabSize) {
                throw new IllegalArgumentException("vocabulary lacks signal token " + token + " (id " + id + ")");
            }
            this.signalIds[i] = id;
            signalIndexById.put(id, i);
        }
        for (int id : eosIds) {
            if (id < 0 || id >= vocabSize || signalIndexById.containsKey(id)) {
                throw new IllegalArgumentException("end-of-sequence id " + id + " is outside the vocabulary or a signal token");
            }
            eos.set(id);
        }
        if (eos.isEmpty()) {
            throw new IllegalArgumentException("no end-of-sequence id given");
        }
        List<Integer> withGt = new ArrayList<>();
        List<Integer> commas = new ArrayList<>();
        List<List<long[]>> digits = new ArrayList<>();
        for (int l = 0; l <= MAX_DIGITS; l++) {
            digits.add(new ArrayList<>());
        }
        for (int id = 0; id < vocabSize; id++) {
            String piece = this.pieces[id];
            if (piece == null || piece.isEmpty() || eos.get(id) || signalIndexById.containsKey(id)) {
                continue;
            }
            plain.set(id);
            if (piece.indexOf('>') >= 0) {
                withGt.add(id);
            }
            if (piece.chars().allMatch(SignalConstraint::isDigit)) {
                if (piece.length() <= MAX_DIGITS) {
                    digits.get(piece.length()).add(new long[] {Long.parseLong(piece), id});
                }
            } else if (piece.chars().allMatch(c -> isDigit(c) || c == ',')) {
                commas.add(id);
            }
        }
        for (int l = 1; l <= MAX_DIGITS; l++) {
            List<long[]> list = digits.get(l);
            list.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
            digitValues[l] = list.stream().mapToLong(e -> e[0]).toArray();
            digitIds[l] = list.stream().mapToInt(e -> (int) e[1]).toArray();
        }
        this.plainWithGt = withGt.stream().mapToInt(Integer::intValue).toArray();
        this.commaTokens = commas.stream().mapToInt(Integer::intValue).toArray();
        this.longestSignal = SignalGrammar.TOKENS.stream().mapToInt(String::length).max().orElseThrow();
        this.startWithoutAttachments = new Decoder(0).computeAllowed();
        this.startWithAttachments = new Decoder(1).computeAllowed();
    }

    /** A fresh decoder for a request with the given number of attachments. */
    public Decoder start(int attachmentCount) {
        if (attachmentCount < 0) {
            throw new IllegalArgumentException("attachment count " + attachmentCount + " is negative");
        }
        return new Decoder(attachmentCount);
    }

    public int vocabSize() {
        return vocabSize;
    }

    /**
     * The automaton's state for one request, advanced by one token id at a time. Not thread-safe;
     * {@link #copy()} gives an independent state (for beams).
     */
    public final class Decoder {
        private final int attachments;
        private Mode mode = Mode.START;
        /** Answer mode: the longest tail of the text that begins a signal token's spelling. */
        private String tail = "";
        /** Plan mode: index into OPENERS of the first opener still allowed. */
        private int stage;
        private boolean marker;
        private boolean videoOnly;
        /** Plan mode: the number being read, or null between spans. */
        private Field field;
        private long value;
        private int digits;
        private long width;

        private Decoder(int attachments) {
            this.attachments = attachments;
        }

        public Decoder copy() {
            Decoder d = new Decoder(attachments);
            d.mode = mode;
            d.tail = tail;
            d.stage = stage;
            d.marker = marker;
            d.videoOnly = videoOnly;
            d.field = field;
            d.value = value;
            d.digits = digits;
            d.width = width;
            return d;
        }

        /** True once an end-of-sequence id has been consumed. */
        public boolean isDone() {
            return mode == Mode.DONE;
        }

        /**
         * The ids allowed next; a fresh set the caller may modify. After the end only
         * end-of-sequence ids remain allowed, so finished rows of a batch can keep padding.
         */
        public BitSet allowed() {
            if (mode == Mode.START) {
                return (BitSet) (attachments == 0 ? startWithoutAttachments : startWithAttachments).clone();
            }
            return computeAllowed();
        }

        /** Consumes one token; throws {@link PlanException}, leaving the state as it was, when the token is not allowed. */
        public void advance(int id) {
            if (id < 0 || id >= vocabSize) {
                throw new PlanException("token id " + id + " is outside the vocabulary of " + vocabSize);
            }
            Integer signal = signalIndexById.get(id);
            switch (mode) {
                case START -> {
                    if (signal != null) {
                        mode = Mode.PLAN;
                        try {
                            acceptSignal(id, signal);
                        } catch (PlanException e) {
                            mode = Mode.START;
                            throw e;
                        }
                    } else {
                        acceptText(id);
                        mode = Mode.ANSWER;
                    }
                }
                case ANSWER -> {
                    if (eos.get(id)) {
                        mode = Mode.DONE;
                    } else {
                        acceptText(id);
                    }
                }
                case PLAN -> {
                    if (signal != null) {
                        acceptSignal(id, signal);
                    } else {
                        Decoder next = copy();
                        if (field == null || !plain.get(id) || !next.readNumber(pieces[id])) {
                            throw refused(id);
                        }
                        field = next.field;
                        value = next.value;
                        digits = next.digits;
                        width = next.width;
                    }
                }
                case END, DONE -> {
                    if (!eos.get(id)) {
                        throw refused(id);
                    }
                    mode = Mode.DONE;
                }
            }
        }

        private void acceptText(int id) {
            if (!plain.get(id)) {
                throw refused(id);
            }
            String text = tail + pieces[id];
            if (spellsSignal(text)) {
                throw refused(id);
            }
            tail = openTail(text);
        }

        private void acceptSignal(int id, int signalIndex) {
            String token = SignalGrammar.TOKENS.get(signalIndex);
            if (field != null) {
                if (digits == 0 || !token.equals(closer(field))) {
                    throw refused(id);
                }
                field = null;
                return;
            }
            int opener = OPENERS.indexOf(token);
            if (opener >= 0 && openerAllowed(opener)) {
                stage = opener + 1;
                marker |= opener >= 2;
                videoOnly |= opener == 1 || opener == 2;
                field = switch (token) {
                    case SignalGrammar.BORES -> Field.W;
                    case SignalGrammar.BONF -> Field.N;
                    case SignalGrammar.BOFIDX -> Field.K;
                    case SignalGrammar.BOEDIT -> Field.M;
                    default -> null;
                };
                value = 0;
                digits = 0;
            } else if (token.equals(SignalGrammar.CFV) || token.equals(SignalGrammar.CFI) && !videoOnly) {
                mode = Mode.END;
            } else {
                throw refused(id);
            }
        }

        private boolean openerAllowed(int opener) {
            if (opener < stage) {
                return false;
            }
            // <BOFIDX>, <BOEDIT>, <REF>, <CTRL>: one per plan, and each needs an attachment
            return opener < 2 || !marker && attachments > 0;
        }

        private PlanException refused(int id) {
            return new PlanException("token " + id + " '" + pieces[id] + "' is not allowed here by the signal grammar");
        }

        private BitSet computeAllowed() {
            BitSet allowed = new BitSet(vocabSize);
            switch (mode) {
                case START -> {
                    allowed.or(answerSet(""));
                    addSignalsBetweenSpans(allowed);
                }
                case ANSWER -> {
                    allowed.or(answerSet(tail));
                    allowed.or(eos);
                }
                case PLAN -> {
                    if (field == null) {
                        addSignalsBetweenSpans(allowed);
                    } else {
                        addNumberTokens(allowed);
                        if (digits > 0 && closer(field) != null) {
                            allowed.set(signalId(closer(field)));
                        }
                    }
                }
                case END, DONE -> allowed.or(eos);
            }
            return allowed;
        }

        private void addSignalsBetweenSpans(BitSet allowed) {
            for (int opener = 0; opener < OPENERS.size(); opener++) {
                if (openerAllowed(opener)) {
                    allowed.set(signalId(OPENERS.get(opener)));
                }
            }
            allowed.set(signalId(SignalGrammar.CFV));
            if (!videoOnly) {
                allowed.set(signalId(SignalGrammar.CFI));
            }
        }

        /** Digit-only tokens by binary search on value; comma tokens by simulation. */
        private void addNumberTokens(BitSet allowed) {
            long cap = cap(field);
            if (digits == 0) {
                if (min(field) == 0 && cap >= 0) {
                    int[] zero = range(1, 0, 0);
                    for (int i = zero[0]; i < zero[1]; i++) {
                        allowed.set(digitIds[1][i]);
                    }
                }
                for (int l = 1; l <= MAX_DIGITS; l++) {
                    int[] r = range(l, Math.max(1, pow10(l - 1)), cap);
                    for (int i = r[0]; i < r[1]; i++) {
                        allowed.set(digitIds[l][i]);
                    }
                }
            } else if (value > 0) {
                for (int l = 1; digits + l <= MAX_DIGITS; l++) {
                    long room = cap - value * pow10(l);
                    if (room < 0) {
                        break;
                    }
                    int[] r = range(l, 0, room);
                    for (int i = r[0]; i < r[1]; i++) {
                        allowed.set(digitIds[l][i]);
                    }
                }
            }
            for (int id : commaTokens) {
                if (copy().readNumber(pieces[id])) {
                    allowed.set(id);
                }
            }
        }

        /** Indices into the digit tokens of length l whose values lie in [lo, hi]. */
        private int[] range(int l, long lo, long hi) {
            long[] values = digitValues[l];
            return new int[] {lowerBound(values, lo), lowerBound(values, hi + 1)};
        }

        /**
         * Reads the characters of a digits-and-commas token into the current number; returns false
         * (leaving this state partly updated: call it on a copy) when one of them is not allowed.
         */
        private boolean readNumber(String piece) {
            for (int i = 0; i < piece.length(); i++) {
                char c = piece.charAt(i);
                if (isDigit(c)) {
                    int d = c - '0';
                    boolean leadingZero = digits > 0 && value == 0;
                    boolean zeroFirst = digits == 0 && d == 0 && min(field) > 0;
                    if (leadingZero || zeroFirst || digits == MAX_DIGITS || value * 10 + d > cap(field)) {
                        return false;
                    }
                    value = value * 10 + d;
                    digits++;
                } else if (c == ',' && digits > 0 && (field == Field.W || field == Field.M)) {
                    if (field == Field.W) {
                        width = value;
                    }
                    field = field == Field.W ? Field.H : Field.S;
                    value = 0;
                    digits = 0;
                } else {
                    return false;
                }
            }
            return true;
        }

        private long cap(Field f) {
            long sideCap = Math.min(Math.min(limits.maxSide(), limits.maxPixels()), MAX_NUMBER);
            return switch (f) {
                case W -> sideCap;
                case H -> Math.min(sideCap, limits.maxPixels() / width);
                case N -> Math.min(limits.maxFrameToken(), MAX_NUMBER);
                case K -> 1;
                case M, S -> attachments - 1;
            };
        }
    }

    private static int min(Field f) {
        return f == Field.W || f == Field.H ? 1 : 0;
    }

    /** The signal token that ends a number, or null where a comma does. */
    private static String closer(Field f) {
        return switch (f) {
            case W, M -> null;
            case H -> SignalGrammar.EORES;
            case N -> SignalGrammar.EONF;
            case K -> SignalGrammar.EOFIDX;
            case S -> SignalGrammar.EOEDIT;
        };
    }

    private int signalId(String token) {
        return signalIds[SignalGrammar.TOKENS.indexOf(token)];
    }

    /** Plain tokens allowed after answer text ending in {@code tail}, computed once per tail. */
    private BitSet answerSet(String tail) {
        return answerSets.computeIfAbsent(tail, t -> {
            BitSet set = (BitSet) plain.clone();
            for (int id : plainWithGt) {
                if (spellsSignal(t + pieces[id])) {
                    set.clear(id);
                }
            }
            return set;
        });
    }

    private static boolean spellsSignal(String text) {
        if (text.indexOf('<') < 0) {
            return false;
        }
        for (String token : SignalGrammar.TOKENS) {
            if (text.contains(token)) {
                return true;
            }
        }
        return false;
    }

    /** The longest suffix of text that is a proper prefix of some signal token's spelling. */
    private String openTail(String text) {
        for (int k = Math.min(text.length(), longestSignal - 1); k > 0; k--) {
            String suffix = text.substring(text.length() - k);
            if (suffix.charAt(0) != '<') {
                continue;
            }
            for (String token : SignalGrammar.TOKENS) {
                if (token.length() > k && token.startsWith(suffix)) {
                    return suffix;
                }
            }
        }
        return "";
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private static long pow10(int n) {
        long p = 1;
        for (int i = 0; i < n; i++) {
            p *= 10;
        }
        return p;
    }

    private static int lowerBound(long[] values, long key) {
        int i = Arrays.binarySearch(values, key);
        if (i < 0) {
            return -i - 1;
        }
        while (i > 0 && values[i - 1] == key) {
            i--;
        }
        return i;
    }
}
