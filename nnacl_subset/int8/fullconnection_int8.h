/*
 * fullconnection_int8.h -- int8 FullConnection: out[r][u] = requant(bias[u] + sum_d (x[r][d] - input_zp) * (w[u][d] - weight_zp)).
 *
 * param->variant selects the weight layout (common/fullconnection_param.h):
 *   FC_VARIANT_GENERIC  weight is [units][depth] (constant or a run-time tensor); bias (int32, `units` values)
 *                       may be NULL;
 *   FC_VARIANT_PACKED   constant weights with weight_zp 0, made by the generator: units padded with zero rows to
 *                       U4 = ceil(units / 4) * 4, depth padded with zeros to D16 = ceil(depth / 16) * 16, stored as
 *                       w[(((u / 4) * (D16 / 16) + d / 16) * 4 + u % 4) * 16 + d % 16] (four rows share a 64-byte
 *                       block per 16 depth values, read in order by the inner loop); bias holds U4 values with the
 *                       input offset folded in: bias[u] - input_zp * sum_d w[u][d]; rounding is
 *                       NNACL_ROUND_SINGLE and every shift <= -1 (a multiplier below 0.5).
 */
#ifndef NNACL_INT8_FC_INT8_H_
#define NNACL_INT8_FC_INT8_H_

#include "common/fullconnection_param.h"

#ifdef __cplusplus
extern "C" {
#endif

void fullconnection_int8(const fullconnection_param_t *param, const int8_t *input, const int8_t *weight, const int32_t *bias,
             const int32_t *multiplier, const int32_t *shift, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_INT8_FC_INT8_H_ */
