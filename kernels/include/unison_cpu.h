/*
 * unison_cpu.h: the project's CPU kernels, header-only. Compiled into the JavaCPP glue of
 * ai.unison.natives.UnisonCpu (libjniUnisonCpu.so) by kernels/build.sh with g++ -O3; plain C++ that the
 * compiler vectorises, one thread, no allocation.
 *
 * Addresses travel as long (a void* cast), as in the Java binding.
 */
#ifndef UNISON_CPU_H
#define UNISON_CPU_H

/* The version of this ABI; ai.unison.natives.UnisonCpu.ABI must match it. */
#define UNISON_CPU_ABI 1

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
    float acc[UNISON_CPU_BLOCK];
    for (long e = 0; e < len; e++) acc[e] = c[0] * x[0][e];
    for (int i = 1; i < k; i++) {
        const float ci = c[i];
        const float* xi = x[i];
        for (long e = 0; e < len; e++) acc[e] += ci * xi[e];
    }
    for (long e = 0; e < len; e++) out[e] = acc[e];
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
            float* out = reinterpret_cast<float*>(outputs[j]) + start;
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
    }
    return UNISON_CPU_OK;
}

#endif /* UNISON_CPU_H */
