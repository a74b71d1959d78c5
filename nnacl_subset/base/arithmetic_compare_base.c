/*
 * arithmetic_compare_base.c -- comparisons and logical ops (one run function per op and type,
 * instantiated by macros, driven by arith_broadcast_apply) and Where (its own three-operand
 * broadcast walk, copying elements by size).
 */
#include <string.h>

#include "base/arithmetic_compare_base.h"

#include "base/arithmetic_base.h"

/* a run writing the bool byte EXPR of x, y (LOAD(p): the compared value of element *p) */
#define ARITH_COMPARE_RUN(op, tag, T, LOAD, EXPR)                                                   \
  static int run_##op##_##tag(const arith_param_t *param, const void *in0, int32_t s0, const void *in1, \
                              int32_t s1, void *out, int32_t n) {                                   \
    const T *a = (const T *)in0;                                                                    \
    const T *b = (const T *)in1;                                                                    \
    uint8_t *o = (uint8_t *)out;                                                                    \
    int32_t i;                                                                                      \
    (void)param;                                                                                    \
    for (i = 0; i < n; ++i) {                                                                       \
      const cmp_value_##tag x = LOAD(a[i * s0]), y = LOAD(b[i * s1]);                                \
      o[i] = (uint8_t)((EXPR) ? 1 : 0);                                                             \
    }                                                                                               \
    return NNACL_OK;                                                                                \
  }                                                                                                 \
  void op##_##tag(const arith_param_t *param, const T *input0, const T *input1, uint8_t *output) {  \
    (void)arith_broadcast_apply(param, input0, sizeof(T), input1, sizeof(T), output, 1, run_##op##_##tag); \
  }

#define ARITH_COMPARE_OPS(tag, T, LOAD)                                   \
  ARITH_COMPARE_RUN(equal, tag, T, LOAD, x == y)                          \
  ARITH_COMPARE_RUN(not_equal, tag, T, LOAD, x != y)                      \
  ARITH_COMPARE_RUN(less, tag, T, LOAD, x < y)                            \
  ARITH_COMPARE_RUN(less_equal, tag, T, LOAD, x <= y)                     \
  ARITH_COMPARE_RUN(greater, tag, T, LOAD, x > y)                         \
  ARITH_COMPARE_RUN(greater_equal, tag, T, LOAD, x >= y)

/* the type each tag compares in */
typedef float cmp_value_fp32;
typedef float cmp_value_fp16;
typedef int8_t cmp_value_s8;
typedef int16_t cmp_value_s16;
typedef int32_t cmp_value_s32;
typedef int64_t cmp_value_s64;
typedef uint8_t cmp_value_u8;
typedef uint16_t cmp_value_u16;
typedef uint32_t cmp_value_u32;
typedef uint64_t cmp_value_u64;

#define ARITH_AS_IS(v) (v)

ARITH_COMPARE_OPS(fp32, float, ARITH_AS_IS)
ARITH_COMPARE_OPS(fp16, uint16_t, nnacl_f16_to_f32)
ARITH_COMPARE_OPS(s8, int8_t, ARITH_AS_IS)
ARITH_COMPARE_OPS(s16, int16_t, ARITH_AS_IS)
ARITH_COMPARE_OPS(s32, int32_t, ARITH_AS_IS)
ARITH_COMPARE_OPS(s64, int64_t, ARITH_AS_IS)
ARITH_COMPARE_OPS(u8, uint8_t, ARITH_AS_IS)
ARITH_COMPARE_OPS(u16, uint16_t, ARITH_AS_IS)
ARITH_COMPARE_OPS(u32, uint32_t, ARITH_AS_IS)
ARITH_COMPARE_OPS(u64, uint64_t, ARITH_AS_IS)

typedef uint8_t cmp_value_bool;
#define ARITH_TRUTH(v) ((v) != 0)

ARITH_COMPARE_RUN(logical_and, bool, uint8_t, ARITH_TRUTH, x && y)
ARITH_COMPARE_RUN(logical_or, bool, uint8_t, ARITH_TRUTH, x || y)

/* copy one element of size bytes (constant sizes, so the copies inline) */
static void copy_elem(uint8_t *dst, const uint8_t *src, size_t size) {
  switch (size) {
    case 1:
      *dst = *src;
      break;
    case 2:
      memcpy(dst, src, 2);
      break;
    case 4:
      memcpy(dst, src, 4);
      break;
    case 8:
      memcpy(dst, src, 8);
      break;
    default:
      memcpy(dst, src, size);
      break;
  }
}

void where_base(const where_param_t *param, const uint8_t *condition, const void *x, const void *y, void *output) {
  const uint8_t *xb = (const uint8_t *)x;
  const uint8_t *yb = (const uint8_t *)y;
  uint8_t *ob = (uint8_t *)output;
  const size_t es = (size_t)param->elem_size;
  const int32_t nd = param->ndim;
  int32_t idx[NNACL_MAX_DIMS] = {0, 0, 0, 0, 0, 0};
  size_t off_o = 0, off_c = 0, off_x = 0, off_y = 0; /* element offsets */
  int32_t inner, sc, sx, sy, d, i;
  if (param->size <= 0 || nd < 1 || nd > NNACL_MAX_DIMS) {
    return;
  }
  inner = param->out_shape[nd - 1];
  sc = param->cond_strides[nd - 1];
  sx = param->x_strides[nd - 1];
  sy = param->y_strides[nd - 1];
  for (;;) {
    for (i = 0; i < inner; ++i) {
      const uint8_t *src = condition[off_c + (size_t)(i * sc)] ? xb + (off_x + (size_t)(i * sx)) * es
                                                                : yb + (off_y + (size_t)(i * sy)) * es;
      copy_elem(ob + (off_o + (size_t)i) * es, src, es);
    }
    off_o += (size_t)inner;
    for (d = nd - 2; d >= 0; --d) {
      ++idx[d];
      off_c += (size_t)param->cond_strides[d];
      off_x += (size_t)param->x_strides[d];
      off_y += (size_t)param->y_strides[d];
      if (idx[d] < param->out_shape[d]) {
        break;
      }
      off_c -= (size_t)param->cond_strides[d] * (size_t)param->out_shape[d];
      off_x -= (size_t)param->x_strides[d] * (size_t)param->out_shape[d];
      off_y -= (size_t)param->y_strides[d] * (size_t)param->out_shape[d];
      idx[d] = 0;
    }
    if (d < 0) {
      return;
    }
  }
}
