/*
 * conv_depthwise_int8.c -- int8 depthwise convolution (group == in_c), any depth multiplier,
 * kernel, stride, dilation and padding. Output channel oc reads input channel oc / multiplier.
 * Weights: doubled int16 in blocks of 8 channels (see int8/conv_depthwise_int8.h).
 */
#include "int8/conv_depthwise_int8.h"

void conv_depthwise_int8(const conv_param_t *param, const int8_t *input, const int8_t *weight_hwo,
                         const int32_t *bias, const int32_t *multiplier, const int32_t *shift, int8_t *output) {
  dw_int8_run(param, input, weight_hwo, bias, multiplier, shift, param->kernel_h, param->kernel_w, 0, output);
}
