/*
 * arithmetic_self_fp32.c -- fp32 element-wise unary math in float (libm: sqrtf, expf, logf,
 * log1pf, erff, sinf, cosf, floorf, ceilf, rintf). Each slot is read before it is written, so
 * the output may alias the input.
 */
#include <math.h>

#include "fp32/arithmetic_self_fp32.h"

#define ARITHMETIC_SELF_LOOP(EXPR)       \
  for (i = 0; i < n; ++i) {              \
    const float x = input[i];            \
    output[i] = (EXPR);                  \
  }                                      \
  return NNACL_OK

int arithmetic_self_fp32(const arithmetic_self_param_t *param, const float *input, float *output) {
  const int32_t n = param->size;
  int32_t i;
  switch (param->type) {
    case ARITHMETIC_SELF_ABS:
      ARITHMETIC_SELF_LOOP(fabsf(x));
    case ARITHMETIC_SELF_NEG:
      ARITHMETIC_SELF_LOOP(-x);
    case ARITHMETIC_SELF_SQRT:
      ARITHMETIC_SELF_LOOP(sqrtf(x));
    case ARITHMETIC_SELF_RSQRT:
      ARITHMETIC_SELF_LOOP(1.0f / sqrtf(x));
    case ARITHMETIC_SELF_SQUARE:
      ARITHMETIC_SELF_LOOP(x * x);
    case ARITHMETIC_SELF_EXP:
      if (param->exp_plain) {
        ARITHMETIC_SELF_LOOP(expf(x));
      }
      ARITHMETIC_SELF_LOOP(expf(param->exp_ln_base * (param->exp_scale * x + param->exp_shift)));
    case ARITHMETIC_SELF_LOG:
      ARITHMETIC_SELF_LOOP(logf(x));
    case ARITHMETIC_SELF_LOG1P:
      ARITHMETIC_SELF_LOOP(log1pf(x));
    case ARITHMETIC_SELF_ERF:
      ARITHMETIC_SELF_LOOP(erff(x));
    case ARITHMETIC_SELF_SIN:
      ARITHMETIC_SELF_LOOP(sinf(x));
    case ARITHMETIC_SELF_COS:
      ARITHMETIC_SELF_LOOP(cosf(x));
    case ARITHMETIC_SELF_FLOOR:
      ARITHMETIC_SELF_LOOP(floorf(x));
    case ARITHMETIC_SELF_CEIL:
      ARITHMETIC_SELF_LOOP(ceilf(x));
    case ARITHMETIC_SELF_ROUND:
      ARITHMETIC_SELF_LOOP(rintf(x)); /* default rounding mode: to nearest, ties to even */
    case ARITHMETIC_SELF_RECIPROCAL:
      ARITHMETIC_SELF_LOOP(1.0f / x);
    default:
      return NNACL_ERR_PARAM;
  }
}
