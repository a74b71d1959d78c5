/* reduce_param.h -- parameters of a reduction over one run of adjacent axes. */
#ifndef NNACL_COMMON_REDUCE_PARAM_H_
#define NNACL_COMMON_REDUCE_PARAM_H_

#include "common/nnacl_common.h"

typedef struct reduce_param_t {
  int32_t outer;      /* product of the dims before the reduced axes */
  int32_t axis_size;  /* product of the reduced (adjacent) dims */
  int32_t inner;      /* product of the dims after them */
  /* int8 mean (TFLite reference): out = clamp(MBQM(sum(x - input_zp), m, s) + output_zp) */
  int32_t input_zp;
  int32_t output_zp;
  int32_t multiplier;
  int32_t shift;
  int32_t rounding; /* NNACL_ROUND_* */
  int32_t act_min;
  int32_t act_max;
} reduce_param_t;

#endif /* NNACL_COMMON_REDUCE_PARAM_H_ */
