/*
 * conv_int8.h -- int8 Conv2D (NHWC), per-channel requantization.
 *
 * acc[oc] = bias[oc] + sum x * w   (int32; bias = b - input_zp * sum(w) is folded at generation
 *                                   time, so padded taps count as x = input_zp)
 * out     = clamp(MBQM(acc, multiplier[oc], shift[oc]) + output_zp, act_min, act_max)
 *
 * bias, multiplier and shift hold out_c values each. Generated code calls conv_int8(),
 * which dispatches on param->variant (see common/conv_param.h for the weight layout
 * of each variant). The dot products use SMLAD on cores with SIMD32 (int8/dot_int8.h).
 */
#ifndef NNACL_INT8_CONV_INT8_H_
#define NNACL_INT8_CONV_INT8_H_

#include "common/conv_param.h"

#ifdef __cplusplus
extern "C" {
#endif

/* bytes of scratch conv_int8() needs for this parameter set (0 for most variants) */
size_t conv_int8_scratch_size(const conv_param_t *param);

/* returns NNACL_OK, NNACL_ERR_SCRATCH or NNACL_ERR_PARAM */
int conv_int8(const conv_param_t *param, const int8_t *input, const int8_t *weight, const int32_t *bias,
              const int32_t *multiplier, const int32_t *shift, void *scratch, size_t scratch_size,
              int8_t *output);

/* the variants (called by conv_int8; exposed for tests) */
void conv_general_int8(const conv_param_t *param, const int8_t *input, const int8_t *weight,
                       const int32_t *bias, const int32_t *multiplier, const int32_t *shift, int8_t *output);
void conv_im2col_int8(const conv_param_t *param, const int8_t *input, const int8_t *weight,
                      const int32_t *bias, const int32_t *multiplier, const int32_t *shift, int8_t *col_buf,
                      int8_t *output);
void conv_1x1_int8(const conv_param_t *param, const int8_t *input, const int8_t *weight, const int32_t *bias,
                   const int32_t *multiplier, const int32_t *shift, int8_t *output);
void conv_depthwise_int8(const conv_param_t *param, const int8_t *input, const int8_t *weight_hwo,
                         const int32_t *bias, const int32_t *multiplier, const int32_t *shift, int8_t *output);
void conv_depthwise_3x3_int8(const conv_param_t *param, const int8_t *input, const int8_t *weight_hwo,
                             const int32_t *bias, const int32_t *multiplier, const int32_t *shift,
                             int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_INT8_CONV_INT8_H_ */
