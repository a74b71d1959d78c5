/* deconv_param.h -- parameters of Conv2dTranspose (deconvolution; fp32 and int8), filled at
 * generation time. */
#ifndef NNACL_COMMON_DECONV_PARAM_H_
#define NNACL_COMMON_DECONV_PARAM_H_

#include "common/nnacl_common.h"

/*
 * Geometry (MindSpore Lite / ONNX ConvTranspose): input pixel (iy, ix) reaches output pixel
 *   (oy, ox) = (iy * stride_h - pad_top + ky * dilation_h, ix * stride_w - pad_left + kx * dilation_w)
 * through tap (ky, kx). pad_top / pad_left may be negative (SAME padding with a stride larger
 * than the kernel); out_h / out_w include the output padding. Output pixels no tap reaches
 * get the bias only.
 * Weights [in_c][kernel_h][kernel_w][out_c / group]; input channel ic belongs to group
 * ic / (in_c / group), which feeds output channels group * (out_c / group) ... .
 */
typedef struct deconv_param_t {
  int32_t batch;
  int32_t in_h;
  int32_t in_w;
  int32_t in_c;
  int32_t out_h;
  int32_t out_w;
  int32_t out_c;
  int32_t kernel_h;
  int32_t kernel_w;
  int32_t stride_h;
  int32_t stride_w;
  int32_t dilation_h;
  int32_t dilation_w;
  int32_t pad_top;
  int32_t pad_left;
  int32_t group;
  int32_t act_type;  /* fp32: NNACL_ACT_* */
  int32_t input_zp;  /* int8: input zero point (weights are symmetric, zero point 0) */
  int32_t output_zp; /* int8 */
  int32_t rounding;  /* int8: NNACL_ROUND_* of the requantization */
  int32_t act_min;   /* int8: clamp range of the fused activation */
  int32_t act_max;
} deconv_param_t;

#endif /* NNACL_COMMON_DECONV_PARAM_H_ */
