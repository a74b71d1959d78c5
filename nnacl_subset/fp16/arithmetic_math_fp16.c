/*
 * arithmetic_math_fp16.c -- the float16 binary ops that need libm (floorf, fmodf), computed in
 * float as fp32/arithmetic_math_fp32.c does and rounded back (see fp16/arithmetic_fp16.h).
 */
#include <math.h>

#include "fp16/arithmetic_fp16.h"

#include "base/arithmetic_base.h"

/* fmodf(x, y) moved to the sign of y (Python / numpy floor modulo) */
static float floor_mod_f32(float x, float y) {
  const float r = fmodf(x, y);
  return (r != 0.0f && ((r < 0.0f) != (y < 0.0f))) ? r + y : r;
}

#define ARITH_MATH_FP16_RUN(op, EXPR)                                                               \
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

ARITH_MATH_FP16_RUN(floor_div, floorf(x / y))
ARITH_MATH_FP16_RUN(floor_mod, floor_mod_f32(x, y))
ARITH_MATH_FP16_RUN(mod, fmodf(x, y))
