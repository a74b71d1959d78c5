/*
 * activation_int8.c -- int8 activations (TFLite reference):
 *   relu family: out = clamp(MBQM(x - input_zp, multiplier, shift) + output_zp, act_min, act_max)
 *   leaky relu:  the same with (alpha_multiplier, alpha_shift) for x - input_zp < 0,
 *                clamped to [act_min, act_max] (the int8 range).
 *   table:       out = table[x + 128], a 256-entry table built at generation time (activations
 *                TFLite evaluates per input value: sigmoid, tanh, elu, gelu, hard swish).
 */
#include "int8/activation_int8.h"

void relu_x_int8(const activation_param_t *param, const int8_t *input, int8_t *output) {
  int32_t i;
  for (i = 0; i < param->size; ++i) {
    output[i] = nnacl_requant_i8((int32_t)input[i] - param->input_zp, param->multiplier, param->shift,
                                 param->rounding, param->output_zp, param->act_min, param->act_max);
  }
}

void leaky_relu_int8(const activation_param_t *param, const int8_t *input, int8_t *output) {
  int32_t i;
  for (i = 0; i < param->size; ++i) {
    const int32_t x = (int32_t)input[i] - param->input_zp;
    output[i] = x >= 0 ? nnacl_requant_i8(x, param->multiplier, param->shift, param->rounding, param->output_zp,
                                          param->act_min, param->act_max)
                       : nnacl_requant_i8(x, param->alpha_multiplier, param->alpha_shift, param->rounding,
                                          param->output_zp, param->act_min, param->act_max);
  }
}

void activation_lut_int8(const activation_param_t *param, const int8_t *input, const int8_t *table, int8_t *output) {
  int32_t i;
  for (i = 0; i < param->size; ++i) {
    output[i] = table[(int32_t)input[i] + 128];
  }
}
