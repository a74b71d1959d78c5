/*
 * arithmetic_fp16.c -- float16 element-wise binary ops (see fp16/arithmetic_fp16.h), one run
 * function per op driven by arith_broadcast_apply (base/arithmetic_base.c).
 */
#include "fp16/arithmetic_fp16.h"

#include "base/arithmetic_base.h"

#define ARITH_FP16_RUN(op, EXPR)                                                                    \
  static int run_##op##_fp16(const arith_param_t *param, const void *in0, int32_t s0, const void *in1, \
                             int32_t s1, void *out, int32_t n) {                                    \
    const uint16_t *a = (const uint16_t *)in0;                                                      \
    const uint16_t *b = (const uint16_t *)in1;                                                      \
    uint16_t *o = (uint16_t *)out;                                                                  \
    const int32_t act = param->act_type;                                                            \
    int32_t i;                                                                                      \
    for (i = 0; i < n; ++i) {                                                                       \
      const float x = nnacl_f16_to_f32(a[i * s0]), y = nnacl_f16_to_f32(b[i * s1]);                 \
      o[i] = nnacl_f32_to_f16(nnacl_act_fp32(EXPR, act));                                           \
    }                                                                                               \
    return NNACL_OK;                                                                                \
  }                                                                                                 \
  void op##_fp16(const arith_param_t *param, const uint16_t *input0, const uint16_t *input1,        \
                 uint16_t *output) {                                                                \
    (void)arith_broadcast_apply(param, input0, sizeof(uint16_t), input1, sizeof(uint16_t), output,  \
                                sizeof(uint16_t), run_##op##_fp16);                                 \
  }

ARITH_FP16_RUN(add, x + y)
ARITH_FP16_RUN(sub, x - y)
ARITH_FP16_RUN(mul, x * y)
ARITH_FP16_RUN(div, x / y)
ARITH_FP16_RUN(maximum, x >= y ? x : y)
ARITH_FP16_RUN(minimum, x <= y ? x : y)
ARITH_FP16_RUN(squared_difference, (x - y) * (x - y))
