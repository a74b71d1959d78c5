/*
 * scale_fp32.h -- fp32 ScaleFusion: out[o][c][i] = act(x[o][c][i] * scale[c] + offset[c]),
 * the product rounded to float before the offset is added; offset may be NULL. Runs in place
 * (output == input) as well.
 */
#ifndef NNACL_FP32_SCALE_FP32_H_
#define NNACL_FP32_SCALE_FP32_H_

#include "common/scale_param.h"

#ifdef __cplusplus
extern "C" {
#endif

void scale_fp32(const scale_param_t *param, const float *input, const float *scale, const float *offset,
                float *output);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_FP32_SCALE_FP32_H_ */
