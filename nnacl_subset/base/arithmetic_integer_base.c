/*
 * arithmetic_integer_base.c -- element-wise binary ops on non-quantized integers (semantics
 * in base/arithmetic_base.h), one run function and one public kernel per op and type,
 * instantiated by the macros below. Wrapping arithmetic is done in an unsigned type of at
 * least the operand's width (no signed overflow); converting back to a signed type keeps
 * the low bits (two's complement, as gcc and arm-none-eabi-gcc define it).
 */
#include "base/arithmetic_base.h"

/* a run whose element result is EXPR of x, y (type T); with DIVIDES 1, a zero divisor y stops
 * it with NNACL_ERR_PARAM */
#define ARITH_RUN_ANY(op, tag, T, DIVIDES, EXPR)                                                     \
  static int run_##op##_##tag(const arith_param_t *param, const void *in0, int32_t s0, const void *in1, \
                              int32_t s1, void *out, int32_t n) {                                   \
    const T *a = (const T *)in0;                                                                    \
    const T *b = (const T *)in1;                                                                    \
    T *o = (T *)out;                                                                                \
    int32_t i;                                                                                      \
    (void)param;                                                                                    \
    for (i = 0; i < n; ++i) {                                                                       \
      const T x = a[i * s0], y = b[i * s1];                                                         \
      if (DIVIDES && y == 0) {                                                                      \
        return NNACL_ERR_PARAM;                                                                     \
      }                                                                                             \
      o[i] = (T)(EXPR);                                                                             \
    }                                                                                               \
    return NNACL_OK;                                                                                \
  }

#define ARITH_RUN(op, tag, T, EXPR) ARITH_RUN_ANY(op, tag, T, 0, EXPR)
#define ARITH_RUN_DIVIDE(op, tag, T, EXPR) ARITH_RUN_ANY(op, tag, T, 1, EXPR)

#define ARITH_PUBLIC(op, tag, T)                                                                    \
  int op##_##tag(const arith_param_t *param, const T *input0, const T *input1, T *output) {         \
    return arith_broadcast_apply(param, input0, sizeof(T), input1, sizeof(T), output, sizeof(T),    \
                                 run_##op##_##tag);                                                 \
  }

/* the ops every integer type shares (U: unsigned type of at least T's width) */
#define ARITH_COMMON_OPS(tag, T, U)                                                                 \
  ARITH_RUN(add, tag, T, (U)x + (U)y)                                                               \
  ARITH_PUBLIC(add, tag, T)                                                                         \
  ARITH_RUN(sub, tag, T, (U)x - (U)y)                                                               \
  ARITH_PUBLIC(sub, tag, T)                                                                         \
  ARITH_RUN(mul, tag, T, (U)x * (U)y)                                                               \
  ARITH_PUBLIC(mul, tag, T)                                                                         \
  ARITH_RUN(maximum, tag, T, x >= y ? x : y)                                                        \
  ARITH_PUBLIC(maximum, tag, T)                                                                     \
  ARITH_RUN(minimum, tag, T, x <= y ? x : y)                                                        \
  ARITH_PUBLIC(minimum, tag, T)                                                                     \
  ARITH_RUN(squared_difference, tag, T, ((U)x - (U)y) * ((U)x - (U)y))                              \
  ARITH_PUBLIC(squared_difference, tag, T)

/* signed divisions: y == -1 is done apart (MIN / -1 overflows in C) */
#define ARITH_SIGNED_OPS(tag, T, U)                                                                 \
  ARITH_COMMON_OPS(tag, T, U)                                                                       \
  static inline T floor_div_elem_##tag(T x, T y) {                                                  \
    T q;                                                                                            \
    if (y == -1) {                                                                                  \
      return (T)((U)0 - (U)x);                                                                      \
    }                                                                                               \
    q = (T)(x / y);                                                                                 \
    return (T)((x % y != 0 && ((x < 0) != (y < 0))) ? q - 1 : q);                                   \
  }                                                                                                 \
  static inline T floor_mod_elem_##tag(T x, T y) {                                                  \
    T r;                                                                                            \
    if (y == -1) {                                                                                  \
      return 0;                                                                                     \
    }                                                                                               \
    r = (T)(x % y);                                                                                 \
    return (T)((r != 0 && ((r < 0) != (y < 0))) ? r + y : r);                                       \
  }                                                                                                 \
  ARITH_RUN_DIVIDE(div, tag, T, y == -1 ? (T)((U)0 - (U)x) : (T)(x / y))                            \
  ARITH_PUBLIC(div, tag, T)                                                                         \
  ARITH_RUN_DIVIDE(floor_div, tag, T, floor_div_elem_##tag(x, y))                                   \
  ARITH_PUBLIC(floor_div, tag, T)                                                                   \
  ARITH_RUN_DIVIDE(mod, tag, T, y == -1 ? (T)0 : (T)(x % y))                                        \
  ARITH_PUBLIC(mod, tag, T)                                                                         \
  ARITH_RUN_DIVIDE(floor_mod, tag, T, floor_mod_elem_##tag(x, y))                                   \
  ARITH_PUBLIC(floor_mod, tag, T)

/* unsigned divisions: truncation is flooring, both remainders agree */
#define ARITH_UNSIGNED_OPS(tag, T, U)                                                               \
  ARITH_COMMON_OPS(tag, T, U)                                                                       \
  ARITH_RUN_DIVIDE(div, tag, T, x / y)                                                              \
  ARITH_PUBLIC(div, tag, T)                                                                         \
  ARITH_RUN_DIVIDE(floor_div, tag, T, x / y)                                                        \
  ARITH_PUBLIC(floor_div, tag, T)                                                                   \
  ARITH_RUN_DIVIDE(mod, tag, T, x % y)                                                              \
  ARITH_PUBLIC(mod, tag, T)                                                                         \
  ARITH_RUN_DIVIDE(floor_mod, tag, T, x % y)                                                        \
  ARITH_PUBLIC(floor_mod, tag, T)

ARITH_SIGNED_OPS(s8, int8_t, uint32_t)
ARITH_SIGNED_OPS(s16, int16_t, uint32_t)
ARITH_SIGNED_OPS(s32, int32_t, uint32_t)
ARITH_SIGNED_OPS(s64, int64_t, uint64_t)
ARITH_UNSIGNED_OPS(u8, uint8_t, uint32_t)
ARITH_UNSIGNED_OPS(u16, uint16_t, uint32_t)
ARITH_UNSIGNED_OPS(u32, uint32_t, uint32_t)
ARITH_UNSIGNED_OPS(u64, uint64_t, uint64_t)
