package ai.unison.diffusion.wan;

import ai.unison.io.Checkpoint;

import java.util.Collection;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one map between the diffusers parameter names of the Wan transformer (and its VACE branch) and
 * the names of the original Wan repository ({@code Wan-AI/Wan2.1-*}, {@code WanModel}/{@code VaceWanModel}
 * state dicts), the same renaming diffusers' conversion script applies:
 *
 * <pre>
 * diffusers                                       original Wan
 * condition_embedder.time_embedder.linear_1.*     time_embedding.0.*
 * condition_embedder.time_embedder.linear_2.*     time_embedding.2.*
 * condition_embedder.text_embedder.linear_1.*     text_embedding.0.*
 * condition_embedder.text_embedder.linear_2.*     text_embedding.2.*
 * condition_embedder.time_proj.*                  time_projection.1.*
 * proj_out.*                                      head.head.*
 * scale_shift_table                               head.modulation
 * patch_embedding.*, vace_patch_embedding.*       (same)
 * in blocks.N. and vace_blocks.N.:
 *   attn1.to_q / to_k / to_v / to_out.0 .*        self_attn.q / k / v / o .*
 *   attn1.norm_q / norm_k .*                      self_attn.norm_q / norm_k .*
 *   attn2.(same as attn1)                         cross_attn.(same as self_attn)
 *   norm2.* (the affine cross-attention norm)     norm3.*   (upstream orders the norms 1, 3, 2)
 *   ffn.net.0.proj.* / ffn.net.2.*                ffn.0.* / ffn.2.*
 *   scale_shift_table                             modulation
 *   proj_in.* / proj_out.*  (VACE blocks)         before_proj.* / after_proj.*
 * </pre>
 *
 * Image-conditioning parameters (I2V's {@code img_emb}, {@code k_img}) are not mapped: those models are
 * not supported. The map is a bijection on the parameters the supported models have.
 */
public final class WanKeyMap {
    /** How a checkpoint names its tensors. */
    public enum Naming { DIFFUSERS, ORIGINAL }

    private static final String[][] TOP = {
            {"condition_embedder.time_embedder.linear_1.", "time_embedding.0."},
            {"condition_embedder.time_embedder.linear_2.", "time_embedding.2."},
            {"condition_embedder.text_embedder.linear_1.", "text_embedding.0."},
            {"condition_embedder.text_embedder.linear_2.", "text_embedding.2."},
            {"condition_embedder.time_proj.", "time_projection.1."},
            {"proj_out.", "head.head."},
    };
    private static final String[][] TOP_EXACT = {{"scale_shift_table", "head.modulation"}};
    private static final String[][] BLOCK = {
            {"attn1.to_q.", "self_attn.q."},
            {"attn1.to_k.", "self_attn.k."},
            {"attn1.to_v.", "self_attn.v."},
            {"attn1.to_out.0.", "self_attn.o."},
            {"attn1.norm_q.", "self_attn.norm_q."},
            {"attn1.norm_k.", "self_attn.norm_k."},
            {"attn2.to_q.", "cross_attn.q."},
            {"attn2.to_k.", "cross_attn.k."},
            {"attn2.to_v.", "cross_attn.v."},
            {"attn2.to_out.0.", "cross_attn.o."},
            {"attn2.norm_q.", "cross_attn.norm_q."},
            {"attn2.norm_k.", "cross_attn.norm_k."},
            {"norm2.", "norm3."},
            {"ffn.net.0.proj.", "ffn.0."},
            {"ffn.net.2.", "ffn.2."},
            {"proj_in.", "before_proj."},
            {"proj_out.", "after_proj."},
    };
    private static final String[][] BLOCK_EXACT = {{"scale_shift_table", "modulation"}};
    private static final Pattern BLOCK_NAME = Pattern.compile("^((?:vace_)?blocks\\.\\d+\\.)(.*)$");

    private WanKeyMap() {
    }

    /** {@link Naming#ORIGINAL} when the names carry the original head or attention names, else diffusers. */
    public static Naming detect(Collection<String> names) {
        for (String n : names) {
            if (n.startsWith("head.") || n.contains(".self_attn.") || n.startsWith("time_embedding.")) {
                return Naming.ORIGINAL;
            }
        }
        return Naming.DIFFUSERS;
    }

    public static String toOriginal(String diffusersName) {
        return rename(diffusersName, 0, 1);
    }

    public static String toDiffusers(String originalName) {
        return rename(originalName, 1, 0);
    }

    /** diffusers name → the name stored in {@code checkpoint}. */
    static UnaryOperator<String> forCheckpoint(Checkpoint checkpoint) {
        return detect(checkpoint.names()) == Naming.ORIGINAL ? WanKeyMap::toOriginal : UnaryOperator.identity();
    }

    private static String rename(String name, int from, int to) {
        Matcher m = BLOCK_NAME.matcher(name);
        if (m.matches()) {
            return m.group(1) + apply(m.group(2), BLOCK, BLOCK_EXACT, from, to);
        }
        return apply(name, TOP, TOP_EXACT, from, to);
    }

    private static String apply(String name, String[][] prefixes, String[][] exact, int from, int to) {
        for (String[] e : exact) {
            if (name.equals(e[from])) {
                return e[to];
            }
        }
        for (String[] p : prefixes) {
            if (name.startsWith(p[from])) {
                return p[to] + name.substring(p[from].length());
            }
        }
        return name;
    }
}
