/*
 * deconv_fp32.h -- fp32 Conv2dTranspose (deconvolution, NHWC), any stride, dilation,
 * padding, output padding and group (common/deconv_param.h for the geometry).
 *
 * Each output is accumulated in float from 0 over the taps that reach an input, in
 * (ky, kx, ic) order, then the bias (if any) is added and the fused activation applied
 * (compile with -ffp-contract=off to keep the order exact). The weights [in_c][kh][kw][out_c /
 * group] are read as they are, so they may be a constant or a tensor computed at run time.
 */
#ifndef NNACL_FP32_DECONV_FP32_H_
#define NNACL_FP32_DECONV_FP32_H_

#include "common/deconv_param.h"

#ifdef __cplusplus
extern "C" {
#endif

/* bias: out_c values, or NULL for none */
void deconv_fp32(const deconv_param_t *param, const float *input, const float *weight, const float *bias,
                 float *output);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_FP32_DECONV_FP32_H_ */
