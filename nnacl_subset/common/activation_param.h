/* activation_param.h -- parameters of the stand-alone activations (fp32 and int8). */
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

typedef struct activation_param_t {
  int32_t size;     /* elements */
  int32_t type;     /* ACTIVATION_* */
  float alpha;      /* fp32 leaky relu slope */
  float min_val;    /* fp32 hard tanh bounds */
  float max_val;
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
