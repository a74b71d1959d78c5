/*
 * conv_1x1_int8.c -- int8 pointwise convolution (group 1, 1x1 kernel, no padding, any
 * stride) as a gemm straight on the NHWC input: out[p][oc] = bias + w[oc] . (x[p] - zp).
 * Two output channels per pass share the input loads.
 */
#include "int8/conv_int8.h"
#include "int8/dot_int8.h"

void conv_1x1_int8(const conv_param_t *param, const int8_t *input, const int8_t *weight, const int32_t *bias,
                   const int32_t *multiplier, const int32_t *shift, int8_t *output) {
  const int32_t in_c = param->in_c, out_c = param->out_c;
  const int32_t in_offset = 0; /* folded into the bias */
  const int32_t rnd = param->rounding, zp = param->output_zp, lo = param->act_min, hi = param->act_max;
  int32_t b, oy, ox, oc;

  for (b = 0; b < param->batch; ++b) {
    for (oy = 0; oy < param->out_h; ++oy) {
      const int32_t iy = oy * param->stride_h;
      for (ox = 0; ox < param->out_w; ++ox) {
        const int32_t ix = ox * param->stride_w;
        const int8_t *x = input + (((size_t)b * param->in_h + iy) * param->in_w + ix) * in_c;
        int8_t *out = output + (((size_t)b * param->out_h + oy) * param->out_w + ox) * out_c;
        for (oc = 0; oc + 1 < out_c; oc += 2) {
          const int8_t *w0 = weight + (size_t)oc * in_c;
          int32_t a0 = bias[oc], a1 = bias[oc + 1];
          nnacl_dot_s8_x1w2(x, w0, w0 + in_c, in_c, in_offset, &a0, &a1);
          out[oc] = nnacl_requant_i8(a0, multiplier[oc], shift[oc], rnd, zp, lo, hi);
          out[oc + 1] = nnacl_requant_i8(a1, multiplier[oc + 1], shift[oc + 1], rnd, zp, lo, hi);
        }
        if (oc < out_c) {
          const int32_t a0 = nnacl_dot_s8(x, weight + (size_t)oc * in_c, in_c, in_offset, bias[oc]);
          out[oc] = nnacl_requant_i8(a0, multiplier[oc], shift[oc], rnd, zp, lo, hi);
        }
      }
    }
  }
}
