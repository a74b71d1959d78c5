/*
 * fullconnection_fp32.h -- fp32 FullConnection: out[r][u] = act(sum_d x[r][d] * w[u][d] + bias[u]),
 * summed from 0 in d order, bias added last (fused multiply-add per term on Arm FPU cores, see
 * fp32/dot_block_fp32.h). weight is [units][depth]; bias may be NULL.
 * (per_channel is used by the hybrid variant only.)
 */
#ifndef NNACL_FP32_FC_FP32_H_
#define NNACL_FP32_FC_FP32_H_

#include "common/fullconnection_param.h"

#ifdef __cplusplus
extern "C" {
#endif

void fullconnection_fp32(const fullconnection_param_t *param, const float *input, const float *weight, const float *bias,
             float *output);

/* Hybrid FullConnection (fp32 input, int8 weights [units][depth]): each input row is quantized
 * symmetric int8 on the fly (as conv_hybrid_fp32), acc = sum q * w, out = act(bias[u] +
 * (float)acc * ((r / 127) * weight_scale[u or 0])). weight_scale holds `units` values when
 * param->per_channel, else one. Scratch: fullconnection_hybrid_fp32_scratch_size() bytes (one quantized row). */
size_t fullconnection_hybrid_fp32_scratch_size(const fullconnection_param_t *param);
int fullconnection_hybrid_fp32(const fullconnection_param_t *param, const float *input, const int8_t *weight, const float *weight_scale,
                   const float *bias, void *scratch, size_t scratch_size, float *output);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_FP32_FC_FP32_H_ */
