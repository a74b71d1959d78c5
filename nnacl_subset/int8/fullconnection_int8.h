/*
 * fullconnection_int8.h -- int8 FullConnection: out[r][u] = requant(bias[u] + sum_d (x[r][d] - input_zp) * (w[u][d] - weight_zp)).
 * weight is [units][depth]; bias (int32, `units` values) may be NULL.
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
