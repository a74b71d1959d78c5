/*
 * conv_1x1_int8.c -- int8 pointwise convolution (group 1, 1x1 kernel, no padding, any
 * stride) as a gemm straight on the NHWC input: out[p][oc] = requant(bias + w[oc] . x[p]),
 * CONV_GEMM_INT8_MAX_PIXELS output pixels per call of the gemm core (int8/conv_gemm_int8.h; packed weights).
 */
#include "int8/conv_int8.h"
#include "int8/conv_gemm_int8.h"

void conv_1x1_int8(const conv_param_t *param, const int8_t *input, const int8_t *weight, const int32_t *bias,
                   const int32_t *multiplier, const int32_t *shift, int8_t *output) {
  const int32_t in_c = param->in_c, out_c = param->out_c;
  const int32_t total = param->batch * param->out_h * param->out_w;
  const int8_t *x[CONV_GEMM_INT8_MAX_PIXELS];
  int32_t p, t, b = 0, oy = 0, ox = 0;
  for (p = 0; p < total; p += CONV_GEMM_INT8_MAX_PIXELS) {
    const int32_t count = total - p < CONV_GEMM_INT8_MAX_PIXELS ? total - p : CONV_GEMM_INT8_MAX_PIXELS;
    for (t = 0; t < count; ++t) { /* pixel p + t is (b, oy, ox) */
      x[t] = input + (((size_t)b * param->in_h + (size_t)(oy * param->stride_h)) * param->in_w +
                      (size_t)(ox * param->stride_w)) * in_c;
      if (++ox == param->out_w) {
        ox = 0;
        if (++oy == param->out_h) {
          oy = 0;
          ++b;
        }
      }
    }
    conv_gemm_int8_pixels(param, x, count, in_c, weight, bias, multiplier, shift, output + (size_t)p * out_c);
  }
}
