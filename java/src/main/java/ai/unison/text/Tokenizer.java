package ai.unison.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.unison.io.ConfigException;
import ai.unison.io.Json;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Hugging Face {@code tokenizer.json} tokenizer run by HF's Rust tokenizers library (through DJL),
 * plus the special tokens named in {@code tokenizer_config.json}. Encoding never adds BOS/EOS on its
 * own (as Qwen's tokenizers do); special tokens written in the text are recognised as such.
 */
public final class Tokenizer implements AutoCloseable {
    static {
        // The tokenizers jar carries CPU builds of its native library only; on a machine with a CUDA device DJL
        // would otherwise pick a CUDA build and try to download it (and fail offline). Tokenizing is CPU work.
        if (System.getenv("RUST_FLAVOR") == null && System.getProperty("RUST_FLAVOR") == null) {
            System.setProperty("RUST_FLAVOR", "cpu");
        }
    }

    private final Path file;
    private final HuggingFaceTokenizer hf;
    private final Map<String, Integer> addedTokens;
    private final Map<String, Integer> vocab;
    private final String eosToken;
    private final String padToken;

    private Tokenizer(Path file, HuggingFaceTokenizer hf, Map<String, Integer> vocab, Map<String, Integer> addedTokens,
                      String eosToken, String padToken) {
        this.file = file;
        this.hf = hf;
        this.vocab = vocab;
        this.addedTokens = addedTokens;
        this.eosToken = eosToken;
        this.padToken = padToken;
    }

    /** Loads {@code tokenizer.json} from a model folder (or the file itself) and its config if present. */
    public static Tokenizer load(Path location) {
        Path file = Files.isDirectory(location) ? location.resolve("tokenizer.json") : location;
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(file, "tokenizer file not found");
        }
        JsonNode root = Json.readTree(file);
        Map<String, Integer> vocab = new HashMap<>();
        JsonNode model = root.path("model");
        JsonNode v = model.path("vocab");
        if (v.isObject()) {
            v.fields().forEachRemaining(e -> vocab.put(e.getKey(), e.getValue().asInt()));
        }
        Map<String, Integer> added = new LinkedHashMap<>();
        for (JsonNode t : root.path("added_tokens")) {
            added.put(t.path("content").asText(), t.path("id").asInt());
        }
        Path configFile = file.resolveSibling("tokenizer_config.json");
        String eos = null;
        String pad = null;
        if (Files.isRegularFile(configFile)) {
            JsonNode cfg = Json.readTree(configFile);
            eos = tokenText(cfg.get("eos_token"));
            pad = tokenText(cfg.get("pad_token"));
            JsonNode decoder = cfg.path("added_tokens_decoder");
            decoder.fields().forEachRemaining(e -> {
                String content = e.getValue().path("content").asText();
                Integer id = Integer.valueOf(e.getKey());
                Integer known = added.get(content);
                if (known == null) {
                    throw new ConfigException(configFile, "added token '" + content + "' (id " + id
                            + ") is not in " + file.getFileName() + "; add it to the tokenizer's added_tokens");
                }
                if (!known.equals(id)) {
                    throw new ConfigException(configFile, "added token '" + content + "' has id " + id
                            + " here but " + known + " in " + file.getFileName());
                }
            });
        }
        Map<String, String> options = new HashMap<>();
        options.put("addSpecialTokens", "false");
        options.put("truncation", "false");
        options.put("padding", "false");
        options.put("modelMaxLength", String.valueOf(Integer.MAX_VALUE));
        try {
            HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(file, options);
            return new Tokenizer(file, hf, Collections.unmodifiableMap(vocab), Collections.unmodifiableMap(added),
                    eos, pad);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(file, "cannot load tokenizer: " + e.getMessage(), e);
        }
    }

    private static String tokenText(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        return n.isTextual() ? n.asText() : n.path("content").asText(null);
    }

    public Path file() {
        return file;
    }

    public long[] encode(String text) {
        Encoding e = hf.encode(text, false, false);
        return e.getIds();
    }

    /** Ids of {@code text}; with {@code addSpecialTokens} the tokenizer's post-processor adds its tokens (T5: {@code </s>}). */
    public long[] encode(String text, boolean addSpecialTokens) {
        return hf.encode(text, addSpecialTokens, false).getIds();
    }

    public List<String> tokens(String text) {
        return List.of(hf.encode(text, false, false).getTokens());
    }

    /** Decodes ids; incomplete UTF-8 sequences become U+FFFD as in HF. */
    public String decode(long[] ids, boolean skipSpecialTokens) {
        return hf.decode(ids, skipSpecialTokens);
    }

    /** The id of a vocabulary or added token, if the tokenizer has it. */
    public Optional<Integer> tokenId(String token) {
        Integer id = addedTokens.get(token);
        if (id == null) {
            id = vocab.get(token);
        }
        return Optional.ofNullable(id);
    }

    /** The id of a token the caller requires, e.g. a chat or signal token. */
    public int requireTokenId(String token) {
        return tokenId(token).orElseThrow(() -> new ConfigException(file, "tokenizer has no token '" + token + "'"));
    }

    /** Added (special and user-defined) tokens by content, in id order as written in tokenizer.json. */
    public Map<String, Integer> addedTokens() {
        return addedTokens;
    }

    /** Number of ids: the largest id in the vocabulary or added tokens, plus one. */
    public int size() {
        int max = -1;
        for (int id : vocab.values()) {
            max = Math.max(max, id);
        }
        for (int id : addedTokens.values()) {
            max = Math.max(max, id);
        }
        return max + 1;
    }

    public Optional<String> eosToken() {
        return Optional.ofNullable(eosToken);
    }

    public Optional<String> padToken() {
        return Optional.ofNullable(padToken);
    }

    @Override
    public void close() {
        hf.close();
    }
}
