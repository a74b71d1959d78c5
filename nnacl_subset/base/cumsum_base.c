/*
 * cumsum_base.c -- CumSum; CUMSUM_KERNEL instantiates one function per dtype: elements of type T
 * are summed in the accumulator type A (LOAD converts an element to A, STORE a sum back to T).
 */
#include "base/cumsum_base.h"

#define CUMSUM_SAME(v) (v)

#define CUMSUM_KERNEL(NAME, T, A, ZERO, LOAD, STORE)                                          \
  void NAME(const cumsum_param_t *param, const T *input, T *output) {                         \
    const int32_t n = param->axis_size, inner = param->inner;                                 \
    int32_t o, i, j;                                                                          \
    for (o = 0; o < param->outer; ++o) {                                                      \
      for (i = 0; i < inner; ++i) {                                                           \
        const size_t base = (size_t)o * n * inner + i;                                        \
        A acc = ZERO;                                                                         \
        for (j = 0; j < n; ++j) {                                                             \
          const size_t at = base + (size_t)(param->reverse ? n - 1 - j : j) * inner;          \
          const A v = LOAD(input[at]);                                                        \
          if (param->exclusive) {                                                             \
            output[at] = STORE(acc);                                                          \
            acc += v;                                                                         \
          } else {                                                                            \
            acc += v;                                                                         \
            output[at] = STORE(acc);                                                          \
          }                                                                                   \
        }                                                                                     \
      }                                                                                       \
    }                                                                                         \
  }

#define CUMSUM_TO_U32(v) ((uint32_t)(v))
#define CUMSUM_TO_U64(v) ((uint64_t)(v))
#define CUMSUM_TO_I8(a) ((int8_t)(a))
#define CUMSUM_TO_I16(a) ((int16_t)(a))
#define CUMSUM_TO_I32(a) ((int32_t)(a))
#define CUMSUM_TO_I64(a) ((int64_t)(a))
#define CUMSUM_TO_U8(a) ((uint8_t)(a))
#define CUMSUM_TO_U16(a) ((uint16_t)(a))

CUMSUM_KERNEL(cumsum_fp32, float, float, 0.0f, CUMSUM_SAME, CUMSUM_SAME)
CUMSUM_KERNEL(cumsum_fp16, uint16_t, float, 0.0f, nnacl_f16_to_f32, nnacl_f32_to_f16)
CUMSUM_KERNEL(cumsum_int8, int8_t, uint32_t, 0u, CUMSUM_TO_U32, CUMSUM_TO_I8)
CUMSUM_KERNEL(cumsum_int16, int16_t, uint32_t, 0u, CUMSUM_TO_U32, CUMSUM_TO_I16)
CUMSUM_KERNEL(cumsum_int32, int32_t, uint32_t, 0u, CUMSUM_TO_U32, CUMSUM_TO_I32)
CUMSUM_KERNEL(cumsum_int64, int64_t, uint64_t, 0u, CUMSUM_TO_U64, CUMSUM_TO_I64)
CUMSUM_KERNEL(cumsum_uint8, uint8_t, uint32_t, 0u, CUMSUM_TO_U32, CUMSUM_TO_U8)
CUMSUM_KERNEL(cumsum_uint16, uint16_t, uint32_t, 0u, CUMSUM_TO_U32, CUMSUM_TO_U16)
CUMSUM_KERNEL(cumsum_uint32, uint32_t, uint32_t, 0u, CUMSUM_SAME, CUMSUM_SAME)
CUMSUM_KERNEL(cumsum_uint64, uint64_t, uint64_t, 0u, CUMSUM_SAME, CUMSUM_SAME)
