/* fullconnection_param.h -- parameters of FullConnection (fp32 and int8). */
#ifndef NNACL_COMMON_FC_PARAM_H_
#define NNACL_COMMON_FC_PARAM_H_

#include "common/nnacl_common.h"

typedef struct fullconnection_param_t {
  int32_t rows;        /* batch: input rows of `depth` values */
  int32_t depth;       /* input features */
  int32_t units;       /* output features (weight rows) */
  int32_t act_type;    /* fp32: NNACL_ACT_* */
  int32_t input_zp;    /* int8 */
  int32_t weight_zp;   /* int8: weight zero point (per-tensor; 0 for symmetric weights) */
  int32_t output_zp;   /* int8 */
  int32_t per_channel; /* int8: 1 = multiplier/shift hold `units` values, 0 = one value */
  int32_t rounding;    /* int8: NNACL_ROUND_* */
  int32_t act_min;     /* int8 clamp range */
  int32_t act_max;
} fullconnection_param_t;

#endif /* NNACL_COMMON_FC_PARAM_H_ */
