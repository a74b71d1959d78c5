/*
 * arithmetic_fp32.c -- fp32 element-wise binary ops: one run function per op over a
 * contiguous output run (inputs advancing by 0 or 1 element), driven over the broadcast by
 * arith_broadcast_apply (base/arithmetic_base.c). The fused activation follows every op.
 */
#include "fp32/arithmetic_fp32.h"

#include "base/arithmetic_base.h"

#define ARITH_FP32_RUN(op, EXPR)                                                                    \
  static int run_##op##_fp32(const arith_param_t *param, const void *in0, int32_t s0, const void *in1, \
                             int32_t s1, void *out, int32_t n) {                                    \
    const float *a = (const float *)in0;                                                            \
    const float *b = (const float *)in1;                                                            \
    float *o = (float *)out;                                                                        \
    const int32_t act = param->act_type;                                                            \
    int32_t i;                                                                                      \
    for (i = 0; i < n; ++i) {                                                                       \
      const float x = a[i * s0], y = b[i * s1];                                                     \
      o[i] = nnacl_act_fp32(EXPR, act);                                                             \
    }                                                                                               \
    return NNACL_OK;                                                                                \
  }                                                                                                 \
  void op##_fp32(const arith_param_t *param, const float *input0, const float *input1, float *output) { \
    (void)arith_broadcast_apply(param, input0, sizeof(float), input1, sizeof(float), output, sizeof(float), \
                                run_##op##_fp32);                                                   \
  }

ARITH_FP32_RUN(add, x + y)
ARITH_FP32_RUN(sub, x - y)
ARITH_FP32_RUN(mul, x * y)
ARITH_FP32_RUN(div, x / y)
ARITH_FP32_RUN(maximum, x >= y ? x : y)
ARITH_FP32_RUN(minimum, x <= y ? x : y)
ARITH_FP32_RUN(squared_difference, (x - y) * (x - y))
