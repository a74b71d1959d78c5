/* conv_param.h -- parameters of Conv2D (fp32 and int8), filled at generation time. */
#ifndef NNACL_COMMON_CONV_PARAM_H_
#define NNACL_COMMON_CONV_PARAM_H_

#include "common/nnacl_common.h"

/* Which specialised kernel conv_int8() / conv_fp32() runs. The generator chooses it
 * (it also decides the weight layout the variant expects):
 *   GENERAL  direct sliding window, any group/stride/dilation/pad; weights OHWI [out][kh][kw][in/group]
 *   IM2COL   group 1: im2col of CONV_IM2COL_TILE output pixels into scratch + gemm; weights OHWI
 *   1X1      group 1, 1x1 kernel, no padding, any stride: gemm straight on the input; weights [out][in]
 *   DW       depthwise (group == in_c, out_c = in_c * multiplier); weights packed HWO [kh][kw][out]
 *   DW3X3    depthwise 3x3, multiplier 1, dilation 1, any stride; weights packed HWO [3][3][out]
 *            (int8 DW / DW3X3: doubled int16 weights in blocks of 8 channels after a header;
 *            see int8/conv_depthwise_int8.h; int8 IM2COL / 1X1: blocks of 4 output channels x 16
 *            taps, zero-padded; see int8/conv_gemm_int8.h)
 */
#define CONV_VARIANT_GENERAL 0
#define CONV_VARIANT_IM2COL 1
#define CONV_VARIANT_1X1 2
#define CONV_VARIANT_DW 3
#define CONV_VARIANT_DW3X3 4

/* input quantization of the hybrid conv (fp32 activations, int8 weights), conv_param_t.hybrid_mode */
#define CONV_HYBRID_SYMMETRIC 0 /* per-tensor weights: symmetric per batch item, out = acc * (s * w_scale) */
#define CONV_HYBRID_ASYM 1      /* per-channel weights: asymmetric per batch item, out = (acc * w_scale) * s */
#define CONV_HYBRID_ASYM_DW 2   /* depthwise: asymmetric per batch item, out = acc * (w_scale * s) */

/* output pixels per im2col tile (scratch = tile * kh * kw * in_c elements: int8, float, or int16 for hybrid) */
#define CONV_IM2COL_TILE 4

typedef struct conv_param_t {
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
  int32_t pad_top;   /* bottom / right padding follow from the output size */
  int32_t pad_left;
  int32_t group;
  int32_t variant;   /* CONV_VARIANT_* */
  int32_t act_type;  /* fp32: NNACL_ACT_* */
  int32_t input_zp;  /* int8: input zero point; the bias has -input_zp * sum(w) folded in, so the
                      * kernels add raw x * w and padded taps count as x = input_zp */
  int32_t output_zp; /* int8 */
  int32_t rounding;  /* int8: NNACL_ROUND_* of the requantization */
  int32_t act_min;   /* int8: clamp range of the fused activation */
  int32_t act_max;
  int32_t hybrid_mode; /* hybrid conv only: CONV_HYBRID_* */
} conv_param_t;

#endif /* NNACL_COMMON_CONV_PARAM_H_ */
