/*
 * quant_dtype_cast_int8.c -- fp32 <-> int8 (TFLite QUANTIZE / DEQUANTIZE).
 */
#include "int8/quant_dtype_cast_int8.h"

void quantize_fp32_to_int8(const quant_dtype_cast_param_t *param, const float *input, int8_t *output) {
  int32_t i;
  for (i = 0; i < param->size; ++i) {
    float v = input[i] / param->scale;
    int32_t q;
    if (v != v) { /* NaN */
      v = 0.0f;
    }
    if (v > 1.0e6f) {
      v = 1.0e6f;
    } else if (v < -1.0e6f) {
      v = -1.0e6f;
    }
    q = nnacl_round_away_f32(v) + param->zero_point;
    output[i] = (int8_t)nnacl_clamp_i32(q, -128, 127);
  }
}

void dequantize_int8_to_fp32(const quant_dtype_cast_param_t *param, const int8_t *input, float *output) {
  int32_t i;
  for (i = 0; i < param->size; ++i) {
    output[i] = (float)((int32_t)input[i] - param->zero_point) * param->scale;
  }
}
