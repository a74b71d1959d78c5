/*
 * conv_1x1_int8.c -- int8 pointwise convolution (group 1, 1x1 kernel, no padding, any
 * stride) as a gemm straight on the NHWC input: out[p][oc] = requant(bias + w[oc] . x[p]),
 * two output pixels per call of the gemm core (int8/conv_gemm_int8.h; packed weights).
 */
#include "int8/conv_int8.h"
#include "int8/conv_gemm_int8.h"

/* the input pixel under flat output pixel p (batch, oy, ox) */
static const int8_t *pixel_input(const conv_param_t *param, const int8_t *input, int32_t p) {
  const int32_t ox = p % param->out_w, row = p / param->out_w;
  const int32_t oy = row % param->out_h, b = row / param->out_h;
  return input + (((size_t)b * param->in_h + (size_t)(oy * param->stride_h)) * param->in_w +
                  (size_t)(ox * param->stride_w)) * param->in_c;
}

void conv_1x1_int8(const conv_param_t *param, const int8_t *input, const int8_t *weight, const int32_t *bias,
                   const int32_t *multiplier, const int32_t *shift, int8_t *output) {
  const int32_t in_c = param->in_c, out_c = param->out_c;
  const int32_t pixels = param->batch * param->out_h * param->out_w;
  int32_t p;
  for (p = 0; p + 1 < pixels; p += 2) {
    conv_gemm_int8_pixels(param, pixel_input(param, input, p), pixel_input(param, input, p + 1), in_c, weight, bias,
                          multiplier, shift, output + (size_t)p * out_c, output + (size_t)(p + 1) * out_c);
  }
  if (p < pixels) {
    conv_gemm_int8_pixels(param, pixel_input(param, input, p), NULL, in_c, weight, bias, multiplier, shift,
                          output + (size_t)p * out_c, NULL);
  }
}
