/*
 * arithmetic_self_int8.c -- quantized int8 Abs / Neg: v = |x - input_zp| (Abs) or x - input_zp
 * (Neg); v = MBQM(v, multiplier, shift) when the scales differ (requantize); then
 * output_zp + v (Abs) or output_zp - v (Neg), clamped to int8.
 */
#include "int8/arithmetic_self_int8.h"

int arithmetic_self_int8(const arithmetic_self_param_t *param, const int8_t *input, int8_t *output) {
  const int32_t neg = param->type == ARITHMETIC_SELF_NEG;
  int32_t i;
  if (!neg && param->type != ARITHMETIC_SELF_ABS) {
    return NNACL_ERR_PARAM;
  }
  for (i = 0; i < param->size; ++i) {
    int32_t v = (int32_t)input[i] - param->input_zp;
    if (!neg && v < 0) {
      v = -v;
    }
    if (param->requantize) {
      v = nnacl_mbqm(v, param->multiplier, param->shift, param->rounding);
    }
    v = neg ? param->output_zp - v : param->output_zp + v;
    output[i] = (int8_t)nnacl_clamp_i32(v, -128, 127);
  }
  return NNACL_OK;
}
