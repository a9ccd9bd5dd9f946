/*
 * The C ABI of libunison_kernels: the project's CUDA kernels and CUDA-graph capture/replay.
 *
 * Every launcher takes raw device pointers, sizes in elements, a dtype code, the CUDA device the
 * pointers live on and the cudaStream_t to launch on (libtorch's current stream, passed as void* so
 * that this header needs no CUDA headers). It returns 0 on success, UNISON_ERR_INVALID when an
 * argument is out of range, or the cudaError_t of a failed CUDA call; unison_last_error() then
 * holds a message, naming the kernel, for the calling thread.
 *
 * The kernels' semantics are those of the CPU fallbacks in ai.unison.runtime.Kernels (libtorch ops);
 * kernels/harness/reference.h restates them in plain C++ for the standalone harness. Unless a
 * function says otherwise, arithmetic is float32 and each output element is rounded once to the
 * output dtype. Tensors are dense and row-major unless strides are passed.
 */
#ifndef UNISON_KERNELS_H
#define UNISON_KERNELS_H

#include <stdint.h>

#if defined(__GNUC__)
#define UNISON_API __attribute__((visibility("default")))
#else
#define UNISON_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever a signature or a semantic below changes; the Java side refuses other versions. */
#define UNISON_KERNELS_ABI 1

/* dtype codes */
#define UNISON_FLOAT32 0
#define UNISON_BFLOAT16 1

/* error codes besides cudaError_t values */
#define UNISON_OK 0
#define UNISON_ERR_INVALID (-1)

/* rotary modes */
#define UNISON_ROPE_HALF 0        /* rotate-half pairs (i, i + D/2): HF Qwen2, Qwen2.5-VL vision */
#define UNISON_ROPE_INTERLEAVED 1 /* adjacent pairs (2i, 2i + 1), complex rotation: Wan */
#define UNISON_ROPE_MULTIMODAL 2  /* rotate-half, table axis chosen per pair by section: M-RoPE */

/* gated activations */
#define UNISON_ACT_SILU 0
#define UNISON_ACT_GELU_TANH 1

/* graph capture modes (values of cudaStreamCaptureMode) */
#define UNISON_CAPTURE_GLOBAL 0
#define UNISON_CAPTURE_THREAD_LOCAL 1
#define UNISON_CAPTURE_RELAXED 2

UNISON_API int unison_kernels_abi(void);

/* The calling thread's message for its last failed call ("" if none). */
UNISON_API const char* unison_last_error(void);

/*
 * Residual add + RMSNorm over rows of length dim (HF Qwen2 with its residual stream):
 *   h = round(x + residual)                      (stored to residual_out)
 *   out = round(round(h * rsqrt(mean(h^2) + eps)) * weight)
 * With residual == NULL (and residual_out == NULL) it is a plain RMSNorm of x.
 * x, residual, residual_out, out: [rows, dim]; weight: [dim]; all of one dtype.
 */
UNISON_API int unison_add_rms_norm(void* out, void* residual_out, const void* x, const void* residual,
                                   const void* weight, int64_t rows, int64_t dim, float eps, int dtype,
                                   int device, void* stream);

/*
 * Rotary embedding. x and out: dense [n0, n1, n2, D] (pad leading sizes with 1). cos and sin are
 * float32 tables addressed for element (a, b, c, j) at a*s0 + b*s1 + c*s2 + j (strides in
 * elements, 0 for a broadcast dimension; both tables share the strides); for
 * UNISON_ROPE_MULTIMODAL the table of axis k (0, 1, 2) starts k*axis_stride further on.
 *   HALF, MULTIMODAL: table length D per position; for i < D/2, with x1 = x[i], x2 = x[i + D/2]:
 *     out[i] = x1*cos[i] - x2*sin[i],  out[i + D/2] = x2*cos[i + D/2] + x1*sin[i + D/2]
 *     MULTIMODAL: pair i reads axis 0 if i < section0, axis 1 if i < section0 + section1, else 2.
 *   INTERLEAVED: table length D/2; with x1 = x[2i], x2 = x[2i + 1]:
 *     out[2i] = x1*cos[i] - x2*sin[i],  out[2i + 1] = x1*sin[i] + x2*cos[i]
 */
UNISON_API int unison_rotary(void* out, const void* x, const float* cos, const float* sin, int64_t n0,
                             int64_t n1, int64_t n2, int64_t head_dim, int64_t s0, int64_t s1, int64_t s2,
                             int mode, int64_t axis_stride, int64_t section0, int64_t section1,
                             int64_t section2, int dtype, int device, void* stream);

/*
 * out[r, c] = act(gate[r*gate_stride + c]) * up[r*up_stride + c]; out dense [rows, cols].
 * With up == NULL: out = act(gate). act: UNISON_ACT_SILU (x*sigmoid(x)) or UNISON_ACT_GELU_TANH
 * (0.5x(1 + tanh(sqrt(2/pi)(x + 0.044715x^3)))).
 */
UNISON_API int unison_gated_act(void* out, const void* gate, const void* up, int64_t rows, int64_t cols,
                                int64_t gate_stride, int64_t up_stride, int act, int dtype, int device,
                                void* stream);

/*
 * AdaLN modulation over x, out: dense [batch, len, dim]; shift and scale: float32, element
 * (b, l, d) at b*mod_stride_b + l*mod_stride_l + d (both tables share strides).
 *   layer_norm == 0: out = round(x*(1 + scale) + shift)
 *   layer_norm != 0: out = round(LN(x)*(1 + scale) + shift), LN without affine, biased variance, eps
 */
UNISON_API int unison_modulate(void* out, const void* x, const float* shift, const float* scale,
                               int64_t batch, int64_t len, int64_t dim, int64_t mod_stride_b,
                               int64_t mod_stride_l, int layer_norm, float eps, int dtype, int device,
                               void* stream);

/* Gated residual: out = round(x + y*gate); x, y, out dense [batch, len, dim]; gate float32, strided. */
UNISON_API int unison_gated_residual(void* out, const void* x, const void* y, const float* gate,
                                     int64_t batch, int64_t len, int64_t dim, int64_t gate_stride_b,
                                     int64_t gate_stride_l, int dtype, int device, void* stream);

/*
 * Classifier-free guidance (+ a flow-matching Euler step), n dense elements:
 *   g = uncond + scale*(cond - uncond)
 *   sample == NULL: out = round_model(g)               (out in model_dtype)
 *   otherwise:      out = round_sample(sample + dt*g)  (out and sample in sample_dtype)
 */
UNISON_API int unison_cfg_step(void* out, const void* uncond, const void* cond, const void* sample,
                               int64_t n, float scale, float dt, int model_dtype, int sample_dtype,
                               int device, void* stream);

/*
 * Bytes of float32 workspace unison_decode_attention needs (it is split over the cache length).
 */
UNISON_API int64_t unison_decode_attention_workspace(int64_t batch, int64_t q_heads, int64_t head_dim,
                                                     int64_t capacity);

/*
 * Attention of one new query per sequence over a KV cache (GQA: q head h reads kv head
 * h / (q_heads / kv_heads)). q: [batch, q_heads, head_dim] with strides (q_sb, q_sh, 1);
 * k, v: [batch, kv_heads, capacity, head_dim] with strides (sb, sh, st, 1); lengths: int64 [batch],
 * positions t < lengths[b] are attended (clamped to capacity; 0 gives a zero output);
 * out: dense [batch, q_heads, head_dim]. Softmax of q.k*scale in float32, output rounded once.
 * head_dim <= 256, q_heads / kv_heads <= 16.
 */
UNISON_API int unison_decode_attention(void* out, const void* q, const void* k, const void* v,
                                       const int64_t* lengths, void* workspace, int64_t batch,
                                       int64_t q_heads, int64_t kv_heads, int64_t head_dim,
                                       int64_t capacity, int64_t q_sb, int64_t q_sh, int64_t k_sb,
                                       int64_t k_sh, int64_t k_st, int64_t v_sb, int64_t v_sh,
                                       int64_t v_st, float scale, int dtype, int device, void* stream);

/* ---- streams and CUDA graphs ---- */

/* Makes `waiter` wait for the work queued so far on `signaller` (an event, recorded and awaited). */
UNISON_API int unison_stream_wait(void* waiter, void* signaller, int device);

/* Begins capturing `stream` (not the legacy default stream) into a graph; mode: UNISON_CAPTURE_*. */
UNISON_API int unison_graph_begin(void* stream, int mode, int device);

/* Ends the capture of `stream` and instantiates it: *exec receives the executable graph. */
UNISON_API int unison_graph_end(void* stream, int device, void** exec);

/* Launches an executable graph on `stream`. */
UNISON_API int unison_graph_launch(void* exec, void* stream, int device);

/* Destroys an executable graph. */
UNISON_API int unison_graph_destroy(void* exec, int device);

#ifdef __cplusplus
}
#endif

#endif /* UNISON_KERNELS_H */
