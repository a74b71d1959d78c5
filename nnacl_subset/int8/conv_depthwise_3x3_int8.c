/*
 * conv_depthwise_3x3_int8.c -- int8 depthwise 3x3 (multiplier 1, dilation 1, any stride and
 * padding): the core of int8/conv_depthwise_int8.h with the window size a constant, so the
 * nine taps unroll. Weights: doubled int16 in blocks of 8 channels (see that header).
 */
#include "int8/conv_depthwise_int8.h"

void conv_depthwise_3x3_int8(const conv_param_t *param, const int8_t *input, const int8_t *weight_hwo,
                             const int32_t *bias, const int32_t *multiplier, const int32_t *shift,
                             int8_t *output) {
  dw_int8_run(param, input, weight_hwo, bias, multiplier, shift, 3, 3, 1, output);
}
