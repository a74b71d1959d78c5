/*
 * local_response_norm_fp32.h -- fp32 LRN across channels:
 *   out[o][c][i] = x[o][c][i] / powf(bias + alpha * sum_{|j - c| <= depth_radius} x[o][j][i]^2, beta)
 * (channels outside [0, channels) contribute nothing; the squares summed in float in j order).
 * Not in place: the window reads neighbouring channels.
 */
#ifndef NNACL_FP32_LOCAL_RESPONSE_NORM_FP32_H_
#define NNACL_FP32_LOCAL_RESPONSE_NORM_FP32_H_

#include "common/local_response_norm_param.h"

#ifdef __cplusplus
extern "C" {
#endif

void local_response_norm_fp32(const local_response_norm_param_t *param, const float *input, float *output);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_FP32_LOCAL_RESPONSE_NORM_FP32_H_ */
