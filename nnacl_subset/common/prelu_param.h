/* prelu_param.h -- parameters of PReLU (fp32 and int8): the slope broadcast over the input. */
#ifndef NNACL_COMMON_PRELU_PARAM_H_
#define NNACL_COMMON_PRELU_PARAM_H_

#include "common/nnacl_common.h"

typedef struct prelu_param_t {
  int32_t size;                          /* input (= output) elements */
  int32_t ndim;                          /* dims of the walk below (1..NNACL_MAX_DIMS) */
  int32_t shape[NNACL_MAX_DIMS];         /* the input's shape, adjacent dims merged */
  int32_t slope_strides[NNACL_MAX_DIMS]; /* slope element stride per dim (0: broadcast) */
  /* int8: x = q - input_zp; x >= 0: MBQM(x, multiplier, shift), else
   * MBQM(x * (slope - slope_zp), alpha_multiplier, alpha_shift); + output_zp, clamp to int8 */
  int32_t input_zp;
  int32_t slope_zp;
  int32_t output_zp;
  int32_t multiplier;
  int32_t shift;
  int32_t alpha_multiplier;
  int32_t alpha_shift;
  int32_t rounding; /* NNACL_ROUND_* */
} prelu_param_t;

#endif /* NNACL_COMMON_PRELU_PARAM_H_ */
