package ai.unison.text;

import ai.unison.io.Json;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a byte-level tokenizer in Hugging Face {@code tokenizer.json} format, for the tiny models
 * this project trains: ids 0–255 are the 256 bytes (spelled with GPT-2's byte-to-unicode alphabet,
 * a BPE model without merges), followed by added tokens. HF tokenizers then encodes any UTF-8 text
 * losslessly, one id per byte, and recognises the added tokens in text.
 *
 * <p>Special tokens (chat markers, vision pads) are skipped by {@code decode(…, skipSpecial=true)};
 * plain added tokens (the planner's signal tokens) are kept.
 */
public final class ByteLevelTokenizer {
    private ByteLevelTokenizer() {
    }

    /** GPT-2's reversible mapping from bytes to printable code points. */
    public static int[] byteToCodePoint() {
        List<Integer> bs = new ArrayList<>();
        for (int b = '!'; b <= '~'; b++) {
            bs.add(b);
        }
        for (int b = 0xA1; b <= 0xAC; b++) {
            bs.add(b);
        }
        for (int b = 0xAE; b <= 0xFF; b++) {
            bs.add(b);
        }
        int[] map = new int[256];
        boolean[] direct = new boolean[256];
        for (int b : bs) {
            map[b] = b;
            direct[b] = true;
        }
        int n = 0;
        for (int b = 0; b < 256; b++) {
            if (!direct[b]) {
                map[b] = 256 + n++;
            }
        }
        return map;
    }

    /**
     * Writes {@code tokenizer.json} and {@code tokenizer_config.json} into {@code dir}. Added tokens get
     * ids 256, 257, … in the order given: first {@code special}, then {@code plain}.
     *
     * @param eos the end-of-sequence token (must be among the special tokens)
     * @param pad the padding token (must be among the special tokens)
     */
    public static void write(Path dir, List<String> special, List<String> plain, String eos, String pad) {
        write(dir, special, plain, eos, pad, List.of());
    }

    /**
     * As {@link #write(Path, List, List, String, String)}, plus byte-level BPE {@code merges} (from
     * {@link BytePairEncoding#learn}): each merged token gets the next id after the added tokens, in merge
     * order, and text is pre-tokenized with GPT-2's pattern ({@code use_regex}) so that merges stay inside
     * words. With no merges the file is the plain byte-level one.
     */
    public static void write(Path dir, List<String> special, List<String> plain, String eos, String pad,
                             List<BytePairEncoding.Merge> merges) {
        if (!special.contains(eos) || !special.contains(pad)) {
            throw new IllegalArgumentException("eos '" + eos + "' and pad '" + pad + "' must be special tokens");
        }
        int[] map = byteToCodePoint();
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        ObjectNode config = Json.MAPPER.createObjectNode();
        ObjectNode decoder = config.putObject("added_tokens_decoder");
        int id = 256;
        List<String> all = new ArrayList<>(special);
        all.addAll(plain);
        for (String t : all) {
            boolean isSpecial = special.contains(t);
            ObjectNode a = added.addObject();
            a.put("id", id);
            fill(a.put("content", t), isSpecial);
            fill(decoder.putObject(String.valueOf(id)).put("content", t), isSpecial);
            id++;
        }
        root.putNull("normalizer");
        root.set("pre_tokenizer", byteLevel(true, !merges.isEmpty()));
        root.set("post_processor", byteLevel(false, false));
        root.set("decoder", byteLevel(true, false));
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("ignore_merges", false);
        ObjectNode vocab = model.putObject("vocab");
        for (int b = 0; b < 256; b++) {
            vocab.put(new String(Character.toChars(map[b])), b);
        }
        int next = id;
        if (!merges.isEmpty()) {
            // HF gives an added token that is not in the model's vocabulary the next id after the model's
            // ids, whatever its recorded id: with merged tokens after them, the added tokens must be in the
            // vocabulary at their ids (merges never form them, they are cut out of the text first)
            for (int i = 0; i < all.size(); i++) {
                vocab.put(all.get(i), 256 + i);
            }
        }
        ArrayNode mergeList = model.putArray("merges");
        for (BytePairEncoding.Merge m : merges) {
            if (!vocab.has(m.merged())) {
                vocab.put(m.merged(), next++);
            }
            mergeList.add(m.left() + " " + m.right());
        }
        config.put("tokenizer_class", "PreTrainedTokenizerFast");
        config.put("eos_token", eos);
        config.put("pad_token", pad);
        config.put("add_bos_token", false);
        config.put("model_max_length", 4096);
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("tokenizer.json"), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root));
            Files.writeString(dir.resolve("tokenizer_config.json"), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(config));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write tokenizer to " + dir, e);
        }
    }

    private static void fill(ObjectNode token, boolean special) {
        token.put("single_word", false);
        token.put("lstrip", false);
        token.put("rstrip", false);
        token.put("normalized", false);
        token.put("special", special);
    }

    private static ObjectNode byteLevel(boolean trimOffsets, boolean useRegex) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("type", "ByteLevel");
        n.put("add_prefix_space", false);
        n.put("trim_offsets", trimOffsets);
        n.put("use_regex", useRegex);
        return n;
    }
}
