/*
 * deconv_int8.h -- int8 Conv2dTranspose (deconvolution, NHWC), TFLite TRANSPOSE_CONV
 * semantics with per-channel requantization (common/deconv_param.h for the geometry):
 *
 * acc[oc] = bias[oc] + sum over the taps reaching an input of (x - input_zp) * w   (int32)
 * out     = clamp(MBQM(acc, multiplier[oc], shift[oc]) + output_zp, act_min, act_max)
 *
 * Weights [in_c][kh][kw][out_c / group], symmetric. bias (or NULL), multiplier and shift hold
 * out_c values. Scratch: the int32 accumulators of one output pixel.
 */
#ifndef NNACL_INT8_DECONV_INT8_H_
#define NNACL_INT8_DECONV_INT8_H_

#include "common/deconv_param.h"

#ifdef __cplusplus
extern "C" {
#endif

/* bytes of scratch deconv_int8() needs: out_c int32 accumulators */
size_t deconv_int8_scratch_size(const deconv_param_t *param);

/* returns NNACL_OK or NNACL_ERR_SCRATCH */
int deconv_int8(const deconv_param_t *param, const int8_t *input, const int8_t *weight, const int32_t *bias,
                const int32_t *multiplier, const int32_t *shift, void *scratch, size_t scratch_size,
                int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_INT8_DECONV_INT8_H_ */
