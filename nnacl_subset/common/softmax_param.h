/* softmax_param.h -- parameters of Softmax (fp32 and int8). */
#ifndef NNACL_COMMON_SOFTMAX_PARAM_H_
#define NNACL_COMMON_SOFTMAX_PARAM_H_

#include "common/nnacl_common.h"

typedef struct softmax_param_t {
  int32_t outer;      /* product of the dims before the axis */
  int32_t axis_size;  /* length of the softmax axis */
  int32_t inner;      /* product of the dims after the axis (1 for the last axis) */
  float beta;         /* fp32: exp(beta * (x - max)) */
  /* int8 (TFLite reference: fixed-point exp of the scaled difference, Q12 sum) */
  int32_t input_multiplier; /* beta * in_scale * 2^(31-5), as multiplier + left shift */
  int32_t input_left_shift;
  int32_t diff_min;         /* differences below this give exp = 0 */
  int32_t rounding;         /* NNACL_ROUND_* of the input scaling */
  int32_t output_zp;        /* output zero point (-128 for the usual 1/256 scale) */
} softmax_param_t;

#endif /* NNACL_COMMON_SOFTMAX_PARAM_H_ */
