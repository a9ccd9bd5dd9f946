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

/* Elements per block: the accumulator (8 KiB) stays in L1, each input block is read once per output. */
#define UNISON_CPU_BLOCK 2048

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
 * input and output goes through memory once. Sequential semantics hold for arrays that are either the
 * same (equal addresses) or disjoint: an input that is an earlier output is read after that output's
 * block was written, and an output that is one of its own inputs is accumulated in a temporary block
 * first. Arrays that overlap partially are not allowed (the result is then undefined).
 *
 * Arithmetic is float: out = ((c0*in0 + c1*in1) + c2*in2) + ..., in input order, each product and sum
 * rounded to float (a product may be fused with its sum where the target has FMA). Returns
 * UNISON_CPU_OK, or UNISON_CPU_ERR_INVALID for a size or count out of range or a null address.
 */
static inline int unison_cpu_lincomb(long n, int k, const long* inputs, int m, const long* outputs,
                                     const float* coef) {
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
    float acc[UNISON_CPU_BLOCK];
    for (long start = 0; start < n; start += UNISON_CPU_BLOCK) {
        const long len = n - start < UNISON_CPU_BLOCK ? n - start : UNISON_CPU_BLOCK;
        for (int j = 0; j < m; j++) {
            const float* c = coef + (long) j * k;
            bool first = true;
            for (int i = 0; i < k; i++) {
                const float ci = c[i];
                if (ci == 0.0f) continue;
                const float* x = reinterpret_cast<const float*>(inputs[i]) + start;
                if (first) {
                    for (long e = 0; e < len; e++) acc[e] = ci * x[e];
                    first = false;
                } else {
                    for (long e = 0; e < len; e++) acc[e] += ci * x[e];
                }
            }
            float* out = reinterpret_cast<float*>(outputs[j]) + start;
            if (first) {
                for (long e = 0; e < len; e++) out[e] = 0.0f;
            } else {
                for (long e = 0; e < len; e++) out[e] = acc[e];
            }
        }
    }
    return UNISON_CPU_OK;
}

#endif /* UNISON_CPU_H */
