/*
 * conv_fp32.h -- fp32 Conv2D (NHWC).
 *
 * Each output is accumulated in float starting from 0 in kernel order (ky, kx, ic),
 * then the bias is added and the fused activation applied -- the summation order of
 * the TFLite reference kernels (compile with -ffp-contract=off to keep it exact). On
 * Arm cores with an FPU that fuses multiply-add (fp32/dot_block_fp32.h, NNACL_FP32_VFP)
 * each term is one VFMA in the same order: rounded once instead of twice, so outputs may
 * differ from the reference in the last bits (well within 1e-5 abs + 1e-5 rel).
 * Generated code calls conv_fp32(), which dispatches on param->variant (see
 * common/conv_param.h for the weight layout of each variant).
 */
#ifndef NNACL_FP32_CONV_FP32_H_
#define NNACL_FP32_CONV_FP32_H_

#include "common/conv_param.h"

#ifdef __cplusplus
extern "C" {
#endif

/* bytes of scratch conv_fp32() needs for this parameter set (0 for most variants) */
size_t conv_fp32_scratch_size(const conv_param_t *param);

/* returns NNACL_OK, NNACL_ERR_SCRATCH or NNACL_ERR_PARAM */
int conv_fp32(const conv_param_t *param, const float *input, const float *weight, const float *bias,
              void *scratch, size_t scratch_size, float *output);

/* the variants (called by conv_fp32; exposed for tests) */
void conv_general_fp32(const conv_param_t *param, const float *input, const float *weight, const float *bias,
                       float *output);
void conv_im2col_fp32(const conv_param_t *param, const float *input, const float *weight, const float *bias,
                      float *col_buf, float *output);
void conv_1x1_fp32(const conv_param_t *param, const float *input, const float *weight, const float *bias,
                   float *output);
void conv_depthwise_fp32(const conv_param_t *param, const float *input, const float *weight_hwo,
                         const float *bias, float *output);
void conv_depthwise_3x3_fp32(const conv_param_t *param, const float *input, const float *weight_hwo,
                             const float *bias, float *output);

/*
 * Hybrid conv (fp32 activations, int8 weights; TFLite hybrid semantics). Each batch item is
 * quantized on the fly, then an int32 convolution runs and is scaled back per channel:
 *   CONV_HYBRID_SYMMETRIC: r = max|x|, s = r / 127, q = clamp(round(x * (127 / r)), -127, 127)
 *                          (q = 0, s = 1 when r == 0); out = (float)acc * (s * weight_scale[oc])
 *   CONV_HYBRID_ASYM(_DW): rmin = min(0, min x), rmax = max(0, max x), s = (rmax - rmin) / 255,
 *                          nudged zero point z (double precision, TFLite's rule),
 *                          q = clamp(round(z + x * (1 / s)), -128, 127); acc = sum (q - z) * w;
 *                          out = ((float)acc * weight_scale[oc]) * s, or for _DW
 *                          (float)acc * (weight_scale[oc] * s)
 * then out + bias[oc] and the fused activation; padded taps contribute nothing.
 * variant CONV_VARIANT_IM2COL (group 1): scratch = CONV_IM2COL_TILE * kh * kw * in_c int16;
 * any other variant: direct loop over OHWI weights, no scratch.
 */
size_t conv_hybrid_fp32_scratch_size(const conv_param_t *param);
int conv_hybrid_fp32(const conv_param_t *param, const float *input, const int8_t *weight,
                     const float *weight_scale, const float *bias, void *scratch, size_t scratch_size,
                     float *output);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_FP32_CONV_FP32_H_ */
