/*
 * arithmetic_compare_int8.c -- quantized int8 comparisons (see int8/arithmetic_compare_int8.h),
 * one run function per comparison driven by arith_broadcast_apply (base/arithmetic_base.c).
 */
#include "int8/arithmetic_compare_int8.h"

#include "base/arithmetic_base.h"

static int32_t scaled0(const arith_param_t *p, int8_t q) {
  return nnacl_mbqm(((int32_t)q + p->in0_offset) * (1 << p->left_shift), p->in0_multiplier, p->in0_shift,
                    p->rounding);
}

static int32_t scaled1(const arith_param_t *p, int8_t q) {
  return nnacl_mbqm(((int32_t)q + p->in1_offset) * (1 << p->left_shift), p->in1_multiplier, p->in1_shift,
                    p->rounding);
}

#define ARITH_COMPARE_INT8_RUN(op, EXPR)                                                            \
  static int run_##op##_int8(const arith_param_t *param, const void *in0, int32_t s0, const void *in1, \
                             int32_t s1, void *out, int32_t n) {                                    \
    const int8_t *a = (const int8_t *)in0;                                                          \
    const int8_t *b = (const int8_t *)in1;                                                          \
    uint8_t *o = (uint8_t *)out;                                                                    \
    int32_t i;                                                                                      \
    for (i = 0; i < n; ++i) {                                                                       \
      const int32_t x = scaled0(param, a[i * s0]), y = scaled1(param, b[i * s1]);                   \
      o[i] = (uint8_t)((EXPR) ? 1 : 0);                                                             \
    }                                                                                               \
    return NNACL_OK;                                                                                \
  }                                                                                                 \
  void op##_int8(const arith_param_t *param, const int8_t *input0, const int8_t *input1, uint8_t *output) { \
    (void)arith_broadcast_apply(param, input0, 1, input1, 1, output, 1, run_##op##_int8);           \
  }

ARITH_COMPARE_INT8_RUN(equal, x == y)
ARITH_COMPARE_INT8_RUN(not_equal, x != y)
ARITH_COMPARE_INT8_RUN(less, x < y)
ARITH_COMPARE_INT8_RUN(less_equal, x <= y)
ARITH_COMPARE_INT8_RUN(greater, x > y)
ARITH_COMPARE_INT8_RUN(greater_equal, x >= y)
