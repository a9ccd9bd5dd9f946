package ai.unison.check;

import ai.unison.io.Json;
import ai.unison.text.Tokenizer;
import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.Arrays;

/**
 * The tokenizer fixture: every case's ids and tokens, decoding with and without special tokens, the
 * round trip, and the decode cases (ids that split a UTF-8 character decode to U+FFFD).
 */
final class TokenizerCheck implements FixtureCheck {
    @Override
    public String kind() {
        return "tokenizer";
    }

    @Override
    public boolean accepts(Path dir) {
        return Files.isRegularFile(dir.resolve("tokenizer.json")) && Files.isRegularFile(dir.resolve("cases.json"));
    }

    @Override
    public CheckReport run(Path dir) {
        CheckReport report = new CheckReport(dir, kind());
        JsonNode cases = Json.readTree(dir.resolve("cases.json"));
        try (Tokenizer tok = Tokenizer.load(dir)) {
            int ids = 0;
            int tokens = 0;
            int decoded = 0;
            int skip = 0;
            int round = 0;
            int n = 0;
            StringBuilder bad = new StringBuilder();
            for (JsonNode c : cases.path("cases")) {
                n++;
                String text = c.path("text").asText();
                long[] expected = longs(c.path("ids"));
                long[] actual = tok.encode(text);
                if (Arrays.equals(expected, actual)) {
                    ids++;
                } else if (bad.length() < 200) {
                    bad.append("ids of ").append(abbrev(text)).append("; ");
                }
                String[] expTokens = new String[c.path("tokens").size()];
                for (int i = 0; i < expTokens.length; i++) {
                    expTokens[i] = c.path("tokens").get(i).asText();
                }
                if (Arrays.equals(expTokens, tok.tokens(text).toArray(String[]::new))) {
                    tokens++;
                }
                if (tok.decode(expected, false).equals(c.path("decoded").asText())) {
                    decoded++;
                }
                if (tok.decode(expected, true).equals(c.path("decoded_skip_special").asText())) {
                    skip++;
                }
                String back = tok.decode(actual, false);
                boolean exact = c.path("roundtrip_exact").asBoolean();
                boolean rt = exact ? back.equals(text)
                        : back.equals(Normalizer.normalize(text, Normalizer.Form.NFC));
                if (rt) {
                    round++;
                }
            }
            report.add(count("encode ids", ids, n, bad.toString()));
            report.add(count("tokens", tokens, n, ""));
            report.add(count("decode", decoded, n, ""));
            report.add(count("decode skip_special", skip, n, ""));
            report.add(count("round trip", round, n, ""));
            int dn = 0;
            int dok = 0;
            for (JsonNode c : cases.path("decode_cases")) {
                long[] caseIds = longs(c.path("ids"));
                dn++;
                if (tok.decode(caseIds, false).equals(c.path("decoded").asText())) {
                    dok++;
                }
                if (c.has("decoded_skip_special")) {
                    dn++;
                    if (tok.decode(caseIds, true).equals(c.path("decoded_skip_special").asText())) {
                        dok++;
                    }
                }
            }
            report.add(count("decode cases", dok, dn, ""));
        }
        return report;
    }

    private static Comparison count(String name, int ok, int n, String note) {
        return Comparison.exact(name + " (" + ok + "/" + n + ")", ok == n && n > 0, note);
    }

    private static String abbrev(String s) {
        return "'" + (s.length() > 24 ? s.substring(0, 24) + "…" : s) + "'";
    }

    private static long[] longs(JsonNode arr) {
        long[] out = new long[arr.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = arr.get(i).asLong();
        }
        return out;
    }
}
