/*
 * pooling_base.c -- dtype-generic MaxPool (NHWC) with an optional argmax output. One macro
 * instantiates the window walk per element type; the type only decides how two values
 * compare (f16 through float), the lowest value and how the result is finished (integer
 * clamp or float activation).
 */
#include "base/pooling_base.h"

static void pool_store_index(const pooling_param_t *param, void *index, size_t pos, int64_t value) {
  switch (param->index_type) {
    case POOLING_INDEX_INT32:
      ((int32_t *)index)[pos] = (int32_t)value;
      break;
    case POOLING_INDEX_INT64:
      ((int64_t *)index)[pos] = value;
      break;
    default:
      ((float *)index)[pos] = (float)value;
      break;
  }
}

static int64_t pool_clamp_i64(const pooling_param_t *param, int64_t v) {
  if (param->clamp) {
    v = v < param->act_min ? param->act_min : (v > param->act_max ? param->act_max : v);
  }
  return v;
}

static uint64_t pool_clamp_u64(const pooling_param_t *param, uint64_t v) {
  if (param->clamp) { /* quantized unsigned data: act_min >= 0 */
    const uint64_t lo = (uint64_t)NNACL_MAX(param->act_min, 0), hi = (uint64_t)NNACL_MAX(param->act_max, 0);
    v = v < lo ? lo : (v > hi ? hi : v);
  }
  return v;
}

#define POOL_GT_PLAIN(a, b) ((a) > (b))
#define POOL_GT_F16(a, b) (nnacl_f16_to_f32(a) > nnacl_f16_to_f32(b))
#define POOL_FINISH_SIGNED(T, p, v) ((T)pool_clamp_i64((p), (int64_t)(v)))
#define POOL_FINISH_UNSIGNED(T, p, v) ((T)pool_clamp_u64((p), (uint64_t)(v)))
#define POOL_FINISH_F32(T, p, v) (nnacl_act_fp32((v), (p)->act_type))
#define POOL_FINISH_F16(T, p, v) (nnacl_f32_to_f16(nnacl_act_fp32(nnacl_f16_to_f32(v), (p)->act_type)))

#define POOL_MAXPOOL_BASE(SFX, T, LOWEST, GT, FINISH)                                                         \
  void maxpool_base_##SFX(const pooling_param_t *param, const T *input, T *output, void *index) {           \
    const int32_t in_h = param->in_h, in_w = param->in_w, c_n = param->channels;                            \
    int32_t b, oy, ox, c, y, x;                                                                             \
    size_t pos = 0;                                                                                         \
    for (b = 0; b < param->batch; ++b) {                                                                    \
      const T *in_b = input + (size_t)b * in_h * in_w * c_n;                                                \
      for (oy = 0; oy < param->out_h; ++oy) {                                                               \
        const int32_t iy0 = oy * param->stride_h - param->pad_top;                                          \
        const int32_t y_begin = NNACL_MAX(iy0, 0), y_end = NNACL_MIN(iy0 + param->kernel_h, in_h);          \
        for (ox = 0; ox < param->out_w; ++ox) {                                                             \
          const int32_t ix0 = ox * param->stride_w - param->pad_left;                                       \
          const int32_t x_begin = NNACL_MAX(ix0, 0), x_end = NNACL_MIN(ix0 + param->kernel_w, in_w);        \
          for (c = 0; c < c_n; ++c, ++pos) {                                                                \
            T m = (LOWEST);                                                                                 \
            int64_t at = -1;                                                                                \
            for (y = y_begin; y < y_end; ++y) {                                                             \
              const T *row = in_b + ((size_t)y * in_w) * c_n + c;                                           \
              for (x = x_begin; x < x_end; ++x) {                                                           \
                const T v = row[(size_t)x * c_n];                                                           \
                if (at < 0 || GT(v, m)) {                                                                   \
                  m = v;                                                                                    \
                  at = (((int64_t)b * c_n + c) * in_h + y) * in_w + x;                                      \
                }                                                                                           \
              }                                                                                             \
            }                                                                                               \
            output[pos] = FINISH(T, param, m);                                                              \
            if (index != NULL) {                                                                            \
              pool_store_index(param, index, pos, at);                                                      \
            }                                                                                               \
          }                                                                                                 \
        }                                                                                                   \
      }                                                                                                     \
    }                                                                                                       \
  }

POOL_MAXPOOL_BASE(i8, int8_t, INT8_MIN, POOL_GT_PLAIN, POOL_FINISH_SIGNED)
POOL_MAXPOOL_BASE(u8, uint8_t, 0, POOL_GT_PLAIN, POOL_FINISH_UNSIGNED)
POOL_MAXPOOL_BASE(i16, int16_t, INT16_MIN, POOL_GT_PLAIN, POOL_FINISH_SIGNED)
POOL_MAXPOOL_BASE(u16, uint16_t, 0, POOL_GT_PLAIN, POOL_FINISH_UNSIGNED)
POOL_MAXPOOL_BASE(i32, int32_t, INT32_MIN, POOL_GT_PLAIN, POOL_FINISH_SIGNED)
POOL_MAXPOOL_BASE(u32, uint32_t, 0u, POOL_GT_PLAIN, POOL_FINISH_UNSIGNED)
POOL_MAXPOOL_BASE(i64, int64_t, INT64_MIN, POOL_GT_PLAIN, POOL_FINISH_SIGNED)
POOL_MAXPOOL_BASE(u64, uint64_t, 0u, POOL_GT_PLAIN, POOL_FINISH_UNSIGNED)
POOL_MAXPOOL_BASE(f16, uint16_t, 0xFBFFu, POOL_GT_F16, POOL_FINISH_F16)
POOL_MAXPOOL_BASE(f32, float, -3.402823466e38f, POOL_GT_PLAIN, POOL_FINISH_F32)
