/*
 * unison_cpu.h: the project's CPU kernels, header-only. Compiled into the JavaCPP glue of
 * ai.unison.natives.UnisonCpu (libjniUnisonCpu.so) by kernels/build.sh with g++ -O3 -fno-math-errno
 * -ffp-contract=off; plain C++ that the compiler vectorises (the noise kernel's hot loops are compiled for
 * x86-64-v4 (AVX-512), -v3 (AVX2, FMA) and the baseline and picked at load time; with no contraction and
 * every fused multiply-add written out, all three round alike), one thread, no allocation.
 *
 * Addresses travel as long (a void* cast), as in the Java binding.
 */
#ifndef UNISON_CPU_H
#define UNISON_CPU_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The version of this ABI; ai.unison.natives.UnisonCpu.ABI must match it. */
#define UNISON_CPU_ABI 3

#define UNISON_CPU_OK 0
#define UNISON_CPU_ERR_INVALID (-1)

/* Limits of unison_cpu_lincomb: inputs and outputs per call. */
#define UNISON_CPU_MAX_INPUTS 16
#define UNISON_CPU_MAX_OUTPUTS 4

/* Elements per block: the blocks of all arrays (8 KiB each) stay in L1/L2 while the outputs are computed. */
#define UNISON_CPU_BLOCK 2048

/* Up to this many nonzero terms an output is computed in one loop over its inputs; more take a buffer. */
#define UNISON_CPU_UNROLLED 8

static inline int unison_cpu_abi() {
    return UNISON_CPU_ABI;
}

/*
 * Sets the process environment variable name to value unless it is set already, so that native libraries
 * loaded afterwards read it (libgomp reads OMP_WAIT_POLICY once, when it is loaded). Returns 1 when it was
 * set, 0 when it had a value (left alone), -1 when setenv failed.
 */
static inline int unison_cpu_setenv_default(const char* name, const char* value) {
    if (getenv(name) != NULL) {
        return 0;
    }
    return setenv(name, value, 0) == 0 ? 1 : -1;
}

/*
 * Linear combinations of float32 arrays of n elements:
 *
 *     for j in 0 .. m-1 (in this order):  out_j = sum over i of coef[j*k + i] * in_i
 *
 * inputs: k addresses of const float arrays, outputs: m addresses of float arrays, coef: m*k floats
 * (row j holds the coefficients of output j). Terms with coefficient 0 are skipped (their input is not
 * read); an output whose coefficients are all 0 is set to 0.
 *
 * The arrays are processed block by block, every output of a block before the next block, so each
 * input and output goes through memory once (an input that is an earlier output is read back from
 * cache). An output with up to UNISON_CPU_UNROLLED nonzero terms is one loop reading all of them at
 * once; more terms are accumulated in a stack buffer. Sequential semantics hold for arrays that are
 * either the same (equal addresses) or disjoint: an input that is an earlier output is read after that
 * output's block was written, and an output may be one of its own inputs (each element's inputs are read
 * before it is written). Arrays that overlap partially are not allowed (the result is then undefined).
 *
 * Arithmetic is float: out = ((c0*in0 + c1*in1) + c2*in2) + ..., in input order, each product and sum
 * rounded to float (a product may be fused with its sum where the target has FMA). Returns
 * UNISON_CPU_OK, or UNISON_CPU_ERR_INVALID for a size or count out of range or a null address.
 */
namespace unison_cpu_detail {

/* out[e] = c[0]*x[0][e] + c[1]*x[1][e] + ... (K terms, in order), one loop: each element's inputs are read
   before it is written, so out may be one of the x. */
template <int K>
static inline void combine(long len, const float* const* x, const float* c, float* out) {
    for (long e = 0; e < len; e++) {
        float s = c[0] * x[0][e];
        for (int i = 1; i < K; i++) s += c[i] * x[i][e];
        out[e] = s;
    }
}

/* The same for any number of terms, accumulated in a buffer of one block. */
static inline void combine_buffered(long len, int k, const float* const* x, const float* c, float* out) {
    float acc[UNISON_CPU_BLOCK + 16];
    for (long e = 0; e < len; e++) acc[e] = c[0] * x[0][e];
    for (int i = 1; i < k; i++) {
        const float ci = c[i];
        const float* xi = x[i];
        for (long e = 0; e < len; e++) acc[e] += ci * xi[e];
    }
    for (long e = 0; e < len; e++) out[e] = acc[e];
}

/* out = the terms' sum: zero terms give 0, up to UNISON_CPU_UNROLLED one loop, more the buffered loop. */
static inline void combine_terms(long len, int terms, const float* const* x, const float* c, float* out) {
    switch (terms) {
        case 0: for (long e = 0; e < len; e++) out[e] = 0.0f; break;
        case 1: combine<1>(len, x, c, out); break;
        case 2: combine<2>(len, x, c, out); break;
        case 3: combine<3>(len, x, c, out); break;
        case 4: combine<4>(len, x, c, out); break;
        case 5: combine<5>(len, x, c, out); break;
        case 6: combine<6>(len, x, c, out); break;
        case 7: combine<7>(len, x, c, out); break;
        case 8: combine<8>(len, x, c, out); break;
        default: combine_buffered(len, terms, x, c, out); break;
    }
}

}  // namespace unison_cpu_detail

static inline int unison_cpu_lincomb(long n, int k, const long* inputs, int m, const long* outputs,
                                     const float* coef) {
    using namespace unison_cpu_detail;
    if (n < 0 || k < 1 || k > UNISON_CPU_MAX_INPUTS || m < 1 || m > UNISON_CPU_MAX_OUTPUTS || inputs == 0
        || outputs == 0 || coef == 0) {
        return UNISON_CPU_ERR_INVALID;
    }
    for (int i = 0; i < k; i++) {
        if (inputs[i] == 0 && n > 0) return UNISON_CPU_ERR_INVALID;
    }
    for (int j = 0; j < m; j++) {
        if (outputs[j] == 0 && n > 0) return UNISON_CPU_ERR_INVALID;
    }
    for (long start = 0; start < n; start += UNISON_CPU_BLOCK) {
        const long len = n - start < UNISON_CPU_BLOCK ? n - start : UNISON_CPU_BLOCK;
        for (int j = 0; j < m; j++) {
            const float* x[UNISON_CPU_MAX_INPUTS];
            float c[UNISON_CPU_MAX_INPUTS];
            int terms = 0;
            for (int i = 0; i < k; i++) {
                const float ci = coef[(long) j * k + i];
                if (ci != 0.0f) {
                    x[terms] = reinterpret_cast<const float*>(inputs[i]) + start;
                    c[terms++] = ci;
                }
            }
            combine_terms(len, terms, x, c, reinterpret_cast<float*>(outputs[j]) + start);
        }
    }
    return UNISON_CPU_OK;
}

/*
 * Standard normal noise exactly as libtorch's CPU generator draws it (torch.randn / Tensor.normal_ on a
 * contiguous float32 tensor of at least 16 elements), folded into a linear combination:
 *
 *     out[r*n + e] = sum over i of coef[i] * in_i[r*n + e]  +  coef[k] * N_r[e]
 *
 * for rows r in 0 .. rows-1, where N_r is the next n-element draw of generator r (one generator per row,
 * as a batch seeded per sample; rows = 1 for one generator over the whole tensor). The generators are
 * read and advanced in place in the layout libtorch's CPUGeneratorImpl::get_state() returns (see
 * unison_cpu_torch_rng), so the caller fetches each state with get_state() and puts it back with
 * set_state(); afterwards each generator stands exactly where torch's own draw would have left it.
 *
 * The draw is libtorch's normal_fill: n uniforms (the low 24 bits of each 32-bit Mersenne-Twister output,
 * times 2^-24), then Box-Muller over groups of 16 (u1 = 1 - x[j], u2 = x[j+8] for j < 8;
 * x[j] = r cos(theta), x[j+8] = r sin(theta), r = sqrt(-2 log u1), theta = 2 pi u2), and when n is not a
 * multiple of 16, 16 more uniforms that replace the last 16 values. The Mersenne-Twister stream is
 * reproduced bit for bit; theta is 2 pi (as a float) times u2 in float, as in libtorch's AVX2 build (its
 * scalar build rounds theta from double), and log, sin and cos are our own float approximations (below),
 * so a value equals libtorch's or differs from it in the last place or two (libtorch's own builds differ
 * from each other by as much). The noise never goes through memory: each block of
 * UNISON_CPU_NOISE_BLOCK elements is drawn into a buffer on the stack and combined at once. Sums as in
 * unison_cpu_lincomb, the noise term last.
 *
 * When output2 is not 0 it also gets scale2 * out, rounded once from the float result (what multiplying
 * out by the float scale2 afterwards gives, bit for bit), in the same pass: a sampler's next model input
 * (an Euler step's sample / sqrt(sigma^2 + 1)) written while out is still in cache. It must be disjoint
 * from out and the inputs.
 *
 * Requires n >= 16 (torch draws smaller tensors differently). Inputs may be the output itself or disjoint
 * from it. Returns UNISON_CPU_OK, or UNISON_CPU_ERR_INVALID for a size or count out of range, a null
 * address or a generator state that is not a seeded, valid Mersenne-Twister state.
 */
#define UNISON_MT_N 624
#define UNISON_MT_M 397

/* Elements drawn and combined at a time: the noise of a block stays in L1 (a multiple of 16, at most
   UNISON_CPU_BLOCK so that combine_buffered's buffer holds a block and its tail). */
#ifndef UNISON_CPU_NOISE_BLOCK
#define UNISON_CPU_NOISE_BLOCK 1024
#endif
static_assert(UNISON_CPU_NOISE_BLOCK % 16 == 0 && UNISON_CPU_NOISE_BLOCK <= UNISON_CPU_BLOCK,
              "UNISON_CPU_NOISE_BLOCK must be a multiple of 16 and at most UNISON_CPU_BLOCK");

/* The instruction-set clones of the noise kernel's hot loops (GCC 12 and later: x86-64-v4, -v3 and the
   baseline, picked at load time); other compilers build the baseline only, which computes the same bits. */
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12 && defined(__x86_64__)
#define UNISON_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define UNISON_CLONES
#endif

/* libtorch's CPUGeneratorImplStateLegacy, the first 5048 bytes of CPUGeneratorImpl::get_state(). */
typedef struct {
    int64_t the_initial_seed;
    int32_t left;
    int32_t seeded;
    uint64_t next;
    uint64_t state[UNISON_MT_N];
    double normal_x;
    double normal_y;
    double normal_rho;
    int32_t normal_is_valid;
} unison_cpu_torch_rng;

namespace unison_cpu_detail {

struct Mt {
    uint32_t s[UNISON_MT_N];
    int32_t left;
    uint32_t next;
};

static inline uint32_t mt_mix(uint32_t u, uint32_t v) {
    return (((u & 0x80000000u) | (v & 0x7fffffffu)) >> 1) ^ ((v & 1u) ? 0x9908b0dfu : 0u);
}

/* at::mt19937::next_state(): the 624 words are regenerated in place. */
static inline void mt_twist(uint32_t* s) {
    for (int i = 0; i < UNISON_MT_N - UNISON_MT_M; i++) s[i] = s[i + UNISON_MT_M] ^ mt_mix(s[i], s[i + 1]);
    for (int i = UNISON_MT_N - UNISON_MT_M; i < UNISON_MT_N - 1; i++) {
        s[i] = s[i + UNISON_MT_M - UNISON_MT_N] ^ mt_mix(s[i], s[i + 1]);
    }
    s[UNISON_MT_N - 1] = s[UNISON_MT_M - 1] ^ mt_mix(s[UNISON_MT_N - 1], s[0]);
}

/* The next count raw Mersenne-Twister words (before tempering), as at::mt19937 hands them out. */
UNISON_CLONES
static void mt_words(Mt* mt, uint32_t* out, long count) {
    while (count > 0) {
        if (mt->left == 1) {
            mt_twist(mt->s);
            mt->left = UNISON_MT_N + 1;  /* the draw that triggered the twist takes word 0, leaving 624 */
            mt->next = 0;
        }
        long take = mt->left - 1;
        if (take > count) take = count;
        memcpy(out, mt->s + mt->next, (size_t) take * sizeof(uint32_t));
        mt->next += (uint32_t) take;
        mt->left -= (int32_t) take;
        out += take;
        count -= take;
    }
}

/* A raw word's uniform in [0, 1) as at::uniform_real_distribution<float>(0, 1) makes it: MT19937 tempering,
   then the low 24 bits times 2^-24. */
static inline float mt_uniform(uint32_t y) {
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= y >> 18;
    return (float) (int32_t) (y & 0xffffffu) * 5.9604644775390625e-8f;
}

/* The uniforms of groups of 16 words split by halves: u1[8g + j] from word 16g + j, u2[8g + j] from word
   16g + 8 + j (j < 8), the two sides of libtorch's Box-Muller pairs. */
UNISON_CLONES
static void mt_uniform_pairs(const uint32_t* words, long groups, float* u1, float* u2) {
    for (long g = 0; g < groups; g++) {
        for (int j = 0; j < 8; j++) u1[g * 8 + j] = mt_uniform(words[g * 16 + j]);
        for (int j = 0; j < 8; j++) u2[g * 8 + j] = mt_uniform(words[g * 16 + 8 + j]);
    }
}

/* The Box-Muller arithmetic: float, with every multiply-add an explicit fused one (one rounding), so that each
   instruction-set clone computes the same bits: x86-64-v3 and -v4 with FMA instructions, the baseline with
   libm's fmaf. The polynomials are minimax fits of our own (discrete minimax by linear programming on 20,000
   points, coefficients rounded to float): relative error below 4e-9 for sin, 2e-10 for cos, 1e-9 for the
   log term, before rounding. */
#define UNISON_FMA(a, b, c) __builtin_fmaf((a), (b), (c))

/* log(x) for x in [2^-24, 1]: x = (1 + f) 2^e with 1 + f in [sqrt(1/2), sqrt(2)),
   log(1 + f) = f - (f^2/2 - s (f^2/2 + R)), s = f / (2 + f), R ~ 2 atanh(s)/s - 2 = z (2/3 + 2z/5 + ...) with
   z = s^2 (a three-term fit on z <= 0.0295), ln 2 split in two so that e ln 2 keeps its low bits.
   Branch-free so that loops over it vectorise. */
static inline float log_unit(float x) {
    uint32_t b;
    memcpy(&b, &x, 4);
    const uint32_t big = (b & 0x7fffffu) > 0x3504f3u;  /* mantissa above sqrt(2): halve it */
    const float e = (float) ((int32_t) (b >> 23) - 127 + (int32_t) big);
    const uint32_t mb = (b & 0x7fffffu) | ((0x7fu - big) << 23);
    float m;
    memcpy(&m, &mb, 4);
    const float f = m - 1.0f;
    const float s = f / (2.0f + f);
    const float z = s * s;
    const float r = z * UNISON_FMA(z, UNISON_FMA(z, 0.29872480f, 0.39977497f), 0.66666776f);
    const float hfsq = 0.5f * f * f;
    return UNISON_FMA(e, 0.693138122558593750f, -((hfsq - UNISON_FMA(s, hfsq + r, e * 9.0580015e-06f)) - f));
}

/* Box-Muller for count pairs: out1 = r cos t, out2 = r sin t with r = sqrt(-2 log(1 - x1)) and t = 2 pi x2
   (in float, as libtorch's AVX2 path computes it), reduced as t = q pi/2 + a with |a| <= pi/4 (pi/2 in three
   parts), then sin a = a + a^3 P(a^2) and cos a = 1 - a^2/2 + ... (three-term fits). The arrays are
   contiguous, so the loop vectorises at any width. */
UNISON_CLONES
static void box_muller(const float* x1, const float* x2, float* out1, float* out2, long count) {
    for (long j = 0; j < count; j++) {
        const float u1 = 1.0f - x1[j];
        const float t = 6.2831855f * x2[j];
        const float radius = __builtin_sqrtf(-2.0f * log_unit(u1));
        const int32_t q = (int32_t) UNISON_FMA(t, 0.63661977f, 0.5f);
        const float k = (float) q;
        const float a = UNISON_FMA(-k, 7.5497901e-08f, UNISON_FMA(-k, 4.8375130e-04f, UNISON_FMA(-k, 1.5703125f, t)));
        const float z = a * a;
        const float sa = UNISON_FMA(a * z, UNISON_FMA(z, UNISON_FMA(z, -1.9515281e-04f, 8.3321603e-03f), -0.16666655f), a);
        const float ca = UNISON_FMA(z, UNISON_FMA(z, UNISON_FMA(z, UNISON_FMA(z, 2.4429839e-05f, -1.3887284e-03f),
                0.041666646f), -0.5f), 1.0f);
        /* quadrant q: sin t = (sin a, cos a, -sin a, -cos a)[q & 3], cos t = (cos a, -sin a, -cos a, sin a)[q & 3] */
        const bool odd = (q & 1) != 0;
        float sn = odd ? ca : sa;
        float cs = odd ? sa : ca;
        uint32_t snBits, csBits;
        memcpy(&snBits, &sn, 4);
        memcpy(&csBits, &cs, 4);
        snBits ^= (uint32_t) (q & 2) << 30;
        csBits ^= (uint32_t) ((q + 1) & 2) << 30;
        memcpy(&sn, &snBits, 4);
        memcpy(&cs, &csBits, 4);
        out1[j] = radius * cs;
        out2[j] = radius * sn;
    }
}

/*
 * The noise of one block of len positions of a row (len >= 16) into noise[0, len), libtorch's normal_fill in
 * order: the block's full groups of 16 as Box-Muller pairs (position 16g + j with 16g + 8 + j, j < 8; the
 * uniforms are made straight into the split layout box_muller reads, then the results are put back in place)
 * and, when the block ends a row whose length is not a multiple of 16, 16 more words for its last 16
 * positions, which replace what the groups gave there.
 */
static inline void normal_block(Mt* mt, long len, bool tail, float* noise) {
    uint32_t words[UNISON_CPU_NOISE_BLOCK + 32];
    float c[(UNISON_CPU_NOISE_BLOCK + 32) / 2], sn[(UNISON_CPU_NOISE_BLOCK + 32) / 2];
    const long full = len / 16;
    const long groups = full + (tail ? 1 : 0);  /* the tail's 16 words are one more group */
    mt_words(mt, words, tail ? len + 16 : len);  /* a partial group's words are drawn, then replaced */
    mt_uniform_pairs(words, full, c, sn);
    if (tail) mt_uniform_pairs(words + len, 1, c + full * 8, sn + full * 8);
    box_muller(c, sn, c, sn, groups * 8);
    for (long g = 0; g < full; g++) {
        memcpy(noise + g * 16, c + g * 8, 8 * sizeof(float));
        memcpy(noise + g * 16 + 8, sn + g * 8, 8 * sizeof(float));
    }
    if (tail) {
        memcpy(noise + len - 16, c + full * 8, 8 * sizeof(float));
        memcpy(noise + len - 8, sn + full * 8, 8 * sizeof(float));
    }
}

static inline bool mt_load(const unison_cpu_torch_rng* g, Mt* mt) {
    if (!g->seeded || g->left < 1 || g->left > UNISON_MT_N || g->next > UNISON_MT_N) return false;
    for (int i = 0; i < UNISON_MT_N; i++) mt->s[i] = (uint32_t) g->state[i];
    mt->left = g->left;
    mt->next = (uint32_t) g->next;
    return true;
}

static inline void mt_store(const Mt* mt, unison_cpu_torch_rng* g) {
    for (int i = 0; i < UNISON_MT_N; i++) g->state[i] = mt->s[i];
    g->left = mt->left;
    g->next = mt->next;
}

}  // namespace unison_cpu_detail

static inline int unison_cpu_lincomb_randn(long rows, long n, const long* states, int k, const long* inputs,
                                           const float* coef, long output, long output2, float scale2) {
    using namespace unison_cpu_detail;
    if (rows < 1 || n < 16 || k < 0 || k > UNISON_CPU_MAX_INPUTS || states == 0 || coef == 0 || output == 0
        || (k > 0 && inputs == 0)) {
        return UNISON_CPU_ERR_INVALID;
    }
    for (int i = 0; i < k; i++) {
        if (inputs[i] == 0) return UNISON_CPU_ERR_INVALID;
    }
    for (long r = 0; r < rows; r++) {  /* every state checked before anything is drawn or written */
        Mt probe;
        if (states[r] == 0 || !mt_load(reinterpret_cast<const unison_cpu_torch_rng*>(states[r]), &probe)) {
            return UNISON_CPU_ERR_INVALID;
        }
    }
    const float cn = coef[k];
    for (long r = 0; r < rows; r++) {
        Mt mt;
        if (!mt_load(reinterpret_cast<const unison_cpu_torch_rng*>(states[r]), &mt)) return UNISON_CPU_ERR_INVALID;
        /* the last block holds at least 16 elements, so the tail group of 16 lies inside it */
        for (long start = 0; start < n;) {
            const long rest = n - start;
            const long len = rest < UNISON_CPU_NOISE_BLOCK + 16 ? rest : UNISON_CPU_NOISE_BLOCK;
            float noise[UNISON_CPU_NOISE_BLOCK + 16];
            normal_block(&mt, len, start + len == n && n % 16 != 0, noise);
            const float* x[UNISON_CPU_MAX_INPUTS + 1];
            float c[UNISON_CPU_MAX_INPUTS + 1];
            int terms = 0;
            for (int i = 0; i < k; i++) {
                if (coef[i] != 0.0f) {
                    x[terms] = reinterpret_cast<const float*>(inputs[i]) + r * n + start;
                    c[terms++] = coef[i];
                }
            }
            x[terms] = noise;
            c[terms++] = cn;
            float* out = reinterpret_cast<float*>(output) + r * n + start;
            combine_terms(len, terms, x, c, out);
            if (output2 != 0) {
                float* out2 = reinterpret_cast<float*>(output2) + r * n + start;
                for (long e = 0; e < len; e++) out2[e] = scale2 * out[e];
            }
            start += len;
        }
        mt_store(&mt, reinterpret_cast<unison_cpu_torch_rng*>(states[r]));
    }
    return UNISON_CPU_OK;
}

#endif /* UNISON_CPU_H */
