/* activation_param.h -- parameters of the stand-alone activations and Clip (fp32, int8 and
 * plain integers). */
#ifndef NNACL_COMMON_ACTIVATION_PARAM_H_
#define NNACL_COMMON_ACTIVATION_PARAM_H_

#include "common/nnacl_common.h"

#define ACTIVATION_RELU 1
#define ACTIVATION_RELU6 2
#define ACTIVATION_RELU1 3
#define ACTIVATION_HARD_TANH 4
#define ACTIVATION_SIGMOID 5
#define ACTIVATION_TANH 6
#define ACTIVATION_LEAKY_RELU 7
#define ACTIVATION_HSWISH 8
#define ACTIVATION_HSIGMOID 9
#define ACTIVATION_SWISH 10
#define ACTIVATION_LINEAR 11
#define ACTIVATION_ELU 12
#define ACTIVATION_ABS 13
#define ACTIVATION_SOFTSIGN 14
#define ACTIVATION_SOFTPLUS 15
#define ACTIVATION_SELU 16
#define ACTIVATION_SIGN 17
#define ACTIVATION_GELU 18

typedef struct activation_param_t {
  int32_t size;     /* elements */
  int32_t type;     /* ACTIVATION_* */
  float alpha;      /* fp32 leaky relu slope, elu alpha */
  float min_val;    /* fp32 hard tanh / clip bounds */
  float max_val;
  int32_t approximate; /* fp32 gelu: 1 = tanh form, 0 = erf form */
  /* plain integers and Clip: the bounds (integer types: int_lo / int_hi; float: min_val /
   * max_val) apply only where has_min / has_max is set; a Clip bound input replaces them */
  int32_t has_min;
  int32_t has_max;
  int64_t int_lo;
  int64_t int_hi;
  /* int8: out = clamp(MBQM(x - input_zp, m, s) + output_zp, act_min, act_max), with the
   * alpha multiplier/shift for negative x (leaky relu) */
  int32_t input_zp;
  int32_t output_zp;
  int32_t multiplier;
  int32_t shift;
  int32_t alpha_multiplier;
  int32_t alpha_shift;
  int32_t rounding; /* NNACL_ROUND_* */
  int32_t act_min;
  int32_t act_max;
} activation_param_t;

#endif /* NNACL_COMMON_ACTIVATION_PARAM_H_ */
