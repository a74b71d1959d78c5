/* scale_param.h -- parameters of ScaleFusion (fp32 and int8): the input viewed as [outer][axis_size][inner],
 * one scale (and offset) value per index of the middle dim. */
#ifndef NNACL_COMMON_SCALE_PARAM_H_
#define NNACL_COMMON_SCALE_PARAM_H_

#include "common/nnacl_common.h"

typedef struct scale_param_t {
  int32_t outer;      /* product of the dims before the scaled ones */
  int32_t axis_size;  /* values of scale / offset (1: one value for every element) */
  int32_t inner;      /* product of the dims after the scaled ones */
  int32_t act_type;   /* fp32: NNACL_ACT_* */
  int32_t input_zp;   /* int8 zero points */
  int32_t scale_zp;
  int32_t offset_zp;
  int32_t output_zp;
  int32_t scale_multiplier;   /* int8: input_scale * scale_scale / output_scale (Q31, shift) */
  int32_t scale_shift;
  int32_t offset_multiplier;  /* int8: offset_scale / output_scale */
  int32_t offset_shift;
  int32_t act_min;            /* int8 clamp range */
  int32_t act_max;
} scale_param_t;

#endif /* NNACL_COMMON_SCALE_PARAM_H_ */
