/* arithmetic_self_param.h -- parameters of the element-wise unary math ops (Abs, Neg, Sqrt, ...):
 * fp32, quantized int8 (Abs, Neg), plain integers and bool (LogicalNot). */
#ifndef NNACL_COMMON_ARITHMETIC_SELF_PARAM_H_
#define NNACL_COMMON_ARITHMETIC_SELF_PARAM_H_

#include "common/nnacl_common.h"

#define ARITHMETIC_SELF_ABS 1
#define ARITHMETIC_SELF_NEG 2
#define ARITHMETIC_SELF_SQRT 3
#define ARITHMETIC_SELF_RSQRT 4
#define ARITHMETIC_SELF_SQUARE 5
#define ARITHMETIC_SELF_EXP 6
#define ARITHMETIC_SELF_LOG 7
#define ARITHMETIC_SELF_LOG1P 8
#define ARITHMETIC_SELF_ERF 9
#define ARITHMETIC_SELF_SIN 10
#define ARITHMETIC_SELF_COS 11
#define ARITHMETIC_SELF_FLOOR 12
#define ARITHMETIC_SELF_CEIL 13
#define ARITHMETIC_SELF_ROUND 14 /* half to even */
#define ARITHMETIC_SELF_RECIPROCAL 15
#define ARITHMETIC_SELF_LOGICAL_NOT 16

typedef struct arithmetic_self_param_t {
  int32_t size; /* elements */
  int32_t type; /* ARITHMETIC_SELF_* */
  /* fp32 EXP: exp(exp_ln_base * (exp_scale * x + exp_shift)); exp_plain = 1: exp(x) */
  int32_t exp_plain;
  float exp_ln_base;
  float exp_scale;
  float exp_shift;
  /* int8 (Abs, Neg): v = |x - input_zp| or x - input_zp, rescaled by MBQM(v, multiplier, shift)
   * when requantize is set, then output_zp + v (Abs) or output_zp - v (Neg), clamped to int8 */
  int32_t input_zp;
  int32_t output_zp;
  int32_t requantize;
  int32_t multiplier;
  int32_t shift;
  int32_t rounding; /* NNACL_ROUND_* */
} arithmetic_self_param_t;

#endif /* NNACL_COMMON_ARITHMETIC_SELF_PARAM_H_ */
