/*
 * arg_min_max_base.c -- ArgMax / ArgMin by repeated selection: the j-th result is the best
 * element among those ordered after the (j-1)-th (O(top_k * axis_size) per position, no
 * scratch). ARG_MIN_MAX_KERNEL instantiates the two functions of each input type T, comparing keys
 * of type K (KEY converts an element; NAN_OF tells whether a key is NaN).
 */
#include "base/arg_min_max_base.h"

/* does (a, ia) come before (b, ib)? na / nb: a / b is NaN (NaN after every number) */
#define AMM_BEFORE(a, ia, na, b, ib, nb, is_min)                                                        \
  ((na) != (nb) ? !(na)                                                                                 \
                : ((na) ? (ia) < (ib)                                                                   \
                        : (((is_min) ? (a) < (b) : (a) > (b)) || (!((a) < (b)) && !((b) < (a)) && (ia) < (ib)))))

#define AMM_KEY_SAME(v) (v)
#define AMM_NAN_NONE(k) 0
#define AMM_NAN_FLOAT(k) ((k) != (k))

#define ARG_MIN_MAX_KERNEL(SUFFIX, T, K, KEY, NAN_OF)                                                  \
  void arg_min_max_select_##SUFFIX(const arg_min_max_param_t *param, const T *input, T *values,          \
                                   void *indices) {                                                     \
    const int32_t n = param->axis_size, inner = param->inner, k = param->top_k;                         \
    const int32_t is_min = param->is_min;                                                               \
    int32_t o, i, j, c;                                                                                 \
    for (o = 0; o < param->outer; ++o) {                                                                \
      for (i = 0; i < inner; ++i) {                                                                     \
        const T *x = input + (size_t)o * n * inner + i;                                                 \
        const size_t base = (size_t)o * k * inner + i;                                                  \
        int32_t prev = -1;                                                                              \
        K prev_key = KEY(x[0]);                                                                         \
        for (j = 0; j < k; ++j) {                                                                       \
          int32_t best = -1;                                                                            \
          K best_key = prev_key;                                                                        \
          const size_t at = base + (size_t)j * inner;                                                   \
          for (c = 0; c < n; ++c) {                                                                     \
            const K key = KEY(x[(size_t)c * inner]);                                                    \
            if (prev >= 0 && !AMM_BEFORE(prev_key, prev, NAN_OF(prev_key), key, c, NAN_OF(key), is_min)) { \
              continue; /* not after the previous result */                                             \
            }                                                                                           \
            if (best < 0 || AMM_BEFORE(key, c, NAN_OF(key), best_key, best, NAN_OF(best_key), is_min)) { \
              best = c;                                                                                 \
              best_key = key;                                                                           \
            }                                                                                           \
          }                                                                                             \
          if (values != NULL) {                                                                         \
            values[at] = x[(size_t)best * inner];                                                       \
          }                                                                                             \
          if (indices != NULL && param->out_kind == ARG_MIN_MAX_OUT_INDEX64) {                          \
            ((int64_t *)indices)[at] = best;                                                            \
          } else if (indices != NULL) {                                                                 \
            ((int32_t *)indices)[at] = best;                                                            \
          }                                                                                             \
          prev = best;                                                                                  \
          prev_key = best_key;                                                                          \
        }                                                                                               \
      }                                                                                                 \
    }                                                                                                   \
  }                                                                                                     \
  void arg_min_max_##SUFFIX(const arg_min_max_param_t *param, const T *input, void *output) {           \
    const int values = param->out_kind == ARG_MIN_MAX_OUT_VALUE;                                        \
    arg_min_max_select_##SUFFIX(param, input, values ? (T *)output : NULL, values ? NULL : output);     \
  }

ARG_MIN_MAX_KERNEL(int8, int8_t, int8_t, AMM_KEY_SAME, AMM_NAN_NONE)
ARG_MIN_MAX_KERNEL(int16, int16_t, int16_t, AMM_KEY_SAME, AMM_NAN_NONE)
ARG_MIN_MAX_KERNEL(int32, int32_t, int32_t, AMM_KEY_SAME, AMM_NAN_NONE)
ARG_MIN_MAX_KERNEL(int64, int64_t, int64_t, AMM_KEY_SAME, AMM_NAN_NONE)
ARG_MIN_MAX_KERNEL(uint8, uint8_t, uint8_t, AMM_KEY_SAME, AMM_NAN_NONE)
ARG_MIN_MAX_KERNEL(uint16, uint16_t, uint16_t, AMM_KEY_SAME, AMM_NAN_NONE)
ARG_MIN_MAX_KERNEL(uint32, uint32_t, uint32_t, AMM_KEY_SAME, AMM_NAN_NONE)
ARG_MIN_MAX_KERNEL(uint64, uint64_t, uint64_t, AMM_KEY_SAME, AMM_NAN_NONE)
ARG_MIN_MAX_KERNEL(fp16, uint16_t, float, nnacl_f16_to_f32, AMM_NAN_FLOAT)
ARG_MIN_MAX_KERNEL(fp32, float, float, AMM_KEY_SAME, AMM_NAN_FLOAT)
