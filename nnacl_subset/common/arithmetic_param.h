/* arithmetic_param.h -- parameters of element-wise binary ops (Add/Sub/Mul/...), fp32 and int8. */
#ifndef NNACL_COMMON_ARITHMETIC_PARAM_H_
#define NNACL_COMMON_ARITHMETIC_PARAM_H_

#include "common/nnacl_common.h"

/* how the two inputs map onto the output */
#define ARITH_SAME_SHAPE 0 /* both inputs have the output's shape */
#define ARITH_SCALAR0 1    /* input 0 is one element, input 1 has the output's shape */
#define ARITH_SCALAR1 2    /* input 1 is one element, input 0 has the output's shape */
#define ARITH_BROADCAST 3  /* general: out_shape + per-input element strides (0 on broadcast dims) */

typedef struct arith_param_t {
  int32_t size;                         /* output elements */
  int32_t variant;                      /* ARITH_* */
  int32_t ndim;                         /* ARITH_BROADCAST: 1..NNACL_MAX_DIMS (shapes right-aligned) */
  int32_t out_shape[NNACL_MAX_DIMS];
  int32_t in0_strides[NNACL_MAX_DIMS];
  int32_t in1_strides[NNACL_MAX_DIMS];
  int32_t act_type;                     /* fp32: NNACL_ACT_* */
  /* int8 (TFLite reference): add/sub
   *   a = MBQM((x0 + in0_offset) << left_shift, in0_multiplier, in0_shift)
   *   b = MBQM((x1 + in1_offset) << left_shift, in1_multiplier, in1_shift)
   *   out = clamp(MBQM(a +/- b, out_multiplier, out_shift) + out_offset, act_min, act_max)
   * mul: out = clamp(MBQM((x0 + in0_offset) * (x1 + in1_offset), out_multiplier, out_shift) + out_offset, ...) */
  int32_t in0_offset;                   /* -input0 zero point */
  int32_t in1_offset;                   /* -input1 zero point */
  int32_t out_offset;                   /* output zero point */
  int32_t left_shift;
  int32_t in0_multiplier;
  int32_t in0_shift;
  int32_t in1_multiplier;
  int32_t in1_shift;
  int32_t out_multiplier;
  int32_t out_shift;
  int32_t rounding;                     /* NNACL_ROUND_* */
  int32_t act_min;
  int32_t act_max;
} arith_param_t;

#endif /* NNACL_COMMON_ARITHMETIC_PARAM_H_ */
