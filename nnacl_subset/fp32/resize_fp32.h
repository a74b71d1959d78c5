/* resize_fp32.h -- LINEAR / CUBIC Resize, fp32 (NHWC), MindSpore Lite semantics: separable
 * interpolation with param->taps source indices and weights per output coordinate
 * (y_index / y_weight: out_h x taps, x_index / x_weight: out_w x taps). Along W first, then H:
 * row_i = sum_j in[y_index[i], x_index[j]] * x_weight[j], out = sum_i row_i * y_weight[i],
 * summed tap by tap in float. */
#ifndef NNACL_FP32_RESIZE_FP32_H_
#define NNACL_FP32_RESIZE_FP32_H_

#include "common/resize_param.h"

#ifdef __cplusplus
extern "C" {
#endif

void resize_fp32(const resize_param_t *param, const float *input, const int32_t *y_index, const float *y_weight,
                 const int32_t *x_index, const float *x_weight, float *output);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_FP32_RESIZE_FP32_H_ */
