/* layer_norm_param.h -- parameters of LayerNormFusion: the input viewed as [outer][norm_size],
 * each row normalised on its own; gamma / beta hold `params_size` values that repeat over the
 * flat input (they cover its trailing dims). */
#ifndef NNACL_COMMON_LAYER_NORM_PARAM_H_
#define NNACL_COMMON_LAYER_NORM_PARAM_H_

#include "common/nnacl_common.h"

typedef struct layer_norm_param_t {
  int32_t outer;        /* product of the dims before begin_norm_axis */
  int32_t norm_size;    /* product of the dims from begin_norm_axis on */
  int32_t params_size;  /* product of the dims from begin_params_axis on */
  float epsilon;
} layer_norm_param_t;

#endif /* NNACL_COMMON_LAYER_NORM_PARAM_H_ */
