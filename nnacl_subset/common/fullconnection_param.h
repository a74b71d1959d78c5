/* fullconnection_param.h -- parameters of FullConnection (fp32 and int8). */
#ifndef NNACL_COMMON_FC_PARAM_H_
#define NNACL_COMMON_FC_PARAM_H_

#include "common/nnacl_common.h"

/* int8 variants (the weight layout and bias contract follow the variant) */
#define FC_VARIANT_GENERIC 0 /* weight [units][depth], acc = bias + sum (x - input_zp) * (w - weight_zp) */
#define FC_VARIANT_PACKED 1  /* constant weights, weight_zp 0, packed in blocks (see int8/fullconnection_int8.h);
                              * bias' = bias - input_zp * sum(w) (never NULL), acc = bias' + sum x * w;
                              * single rounding, shifts <= -1 */

/* the packed layout: FC_PACK_UNITS output rows per block, depth in chunks of FC_PACK_DEPTH */
#define FC_PACK_UNITS 4
#define FC_PACK_DEPTH 16

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
  int32_t variant;     /* int8: FC_VARIANT_* */
} fullconnection_param_t;

#endif /* NNACL_COMMON_FC_PARAM_H_ */
