/* arithmetic_param.h -- parameters of the element-wise binary ops (Add/Sub/Mul/Div/Maximum/
 * Minimum/FloorDiv/FloorMod/Mod/SquaredDifference/Pow) and of the comparisons, every dtype. */
#ifndef NNACL_COMMON_ARITHMETIC_PARAM_H_
#define NNACL_COMMON_ARITHMETIC_PARAM_H_

#include "common/nnacl_common.h"

/* how the two inputs map onto the output */
#define ARITH_SAME_SHAPE 0 /* both inputs have the output's shape */
#define ARITH_SCALAR0 1    /* input 0 is one element, input 1 has the output's shape */
#define ARITH_SCALAR1 2    /* input 1 is one element, input 0 has the output's shape */
#define ARITH_BROADCAST 3  /* general: out_shape + per-input element strides (0 on broadcast dims) */

/* element type of an input PowFusion widens to float (in0_dtype / in1_dtype) */
#define ARITH_DTYPE_FLOAT32 0
#define ARITH_DTYPE_FLOAT16 1 /* IEEE binary16 bits in a uint16_t */
#define ARITH_DTYPE_INT8 2
#define ARITH_DTYPE_INT16 3
#define ARITH_DTYPE_INT32 4
#define ARITH_DTYPE_INT64 5
#define ARITH_DTYPE_UINT8 6 /* also bool */
#define ARITH_DTYPE_UINT16 7
#define ARITH_DTYPE_UINT32 8
#define ARITH_DTYPE_UINT64 9

typedef struct arith_param_t {
  int32_t size;                         /* output elements */
  int32_t variant;                      /* ARITH_* */
  int32_t ndim;                         /* ARITH_BROADCAST: 1..NNACL_MAX_DIMS (shapes right-aligned) */
  int32_t out_shape[NNACL_MAX_DIMS];
  int32_t in0_strides[NNACL_MAX_DIMS];
  int32_t in1_strides[NNACL_MAX_DIMS];
  int32_t act_type;                     /* fp32 / fp16: NNACL_ACT_* */
  /* int8 (TFLite reference): add/sub
   *   a = MBQM((x0 + in0_offset) << left_shift, in0_multiplier, in0_shift)
   *   b = MBQM((x1 + in1_offset) << left_shift, in1_multiplier, in1_shift)
   *   out = clamp(MBQM(a +/- b, out_multiplier, out_shift) + out_offset, act_min, act_max)
   * mul: out = clamp(MBQM((x0 + in0_offset) * (x1 + in1_offset), out_multiplier, out_shift) + out_offset, ...)
   * comparisons: a and b as for add/sub (left_shift 8, double rounding), then compared */
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
  /* pow: out = powf(scale * (float)x0 + shift, (float)x1) */
  int32_t in0_dtype;                    /* ARITH_DTYPE_* */
  int32_t in1_dtype;                    /* ARITH_DTYPE_* */
  float scale;
  float shift;
} arith_param_t;

#endif /* NNACL_COMMON_ARITHMETIC_PARAM_H_ */
