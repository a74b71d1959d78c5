/*
 * activation_fp32.c -- fp32 stand-alone activations (float math; sigmoid, tanh and swish
 * use expf / tanhf).
 */
#include <math.h>

#include "fp32/activation_fp32.h"

static float sigmoid_f32(float x) {
  /* exp of a non-positive argument only: no overflow for large |x| */
  const float e = expf(x < 0.0f ? x : -x);
  return x >= 0.0f ? 1.0f / (1.0f + e) : e / (1.0f + e);
}

static float relu6_f32(float x) {
  return x < 0.0f ? 0.0f : (x > 6.0f ? 6.0f : x);
}

int activation_fp32(const activation_param_t *param, const float *input, float *output) {
  const int32_t n = param->size;
  int32_t i;
  switch (param->type) {
    case ACTIVATION_RELU:
      for (i = 0; i < n; ++i) {
        output[i] = input[i] < 0.0f ? 0.0f : input[i];
      }
      return NNACL_OK;
    case ACTIVATION_RELU6:
      for (i = 0; i < n; ++i) {
        output[i] = relu6_f32(input[i]);
      }
      return NNACL_OK;
    case ACTIVATION_RELU1:
      for (i = 0; i < n; ++i) {
        output[i] = input[i] < -1.0f ? -1.0f : (input[i] > 1.0f ? 1.0f : input[i]);
      }
      return NNACL_OK;
    case ACTIVATION_HARD_TANH:
      for (i = 0; i < n; ++i) {
        const float v = input[i] < param->min_val ? param->min_val : input[i];
        output[i] = v > param->max_val ? param->max_val : v;
      }
      return NNACL_OK;
    case ACTIVATION_SIGMOID:
      for (i = 0; i < n; ++i) {
        output[i] = sigmoid_f32(input[i]);
      }
      return NNACL_OK;
    case ACTIVATION_TANH:
      for (i = 0; i < n; ++i) {
        output[i] = tanhf(input[i]);
      }
      return NNACL_OK;
    case ACTIVATION_LEAKY_RELU:
      for (i = 0; i < n; ++i) {
        output[i] = input[i] >= 0.0f ? input[i] : param->alpha * input[i];
      }
      return NNACL_OK;
    case ACTIVATION_HSWISH:
      for (i = 0; i < n; ++i) {
        output[i] = input[i] * relu6_f32(input[i] + 3.0f) / 6.0f;
      }
      return NNACL_OK;
    case ACTIVATION_HSIGMOID:
      for (i = 0; i < n; ++i) {
        output[i] = relu6_f32(input[i] + 3.0f) / 6.0f;
      }
      return NNACL_OK;
    case ACTIVATION_SWISH:
      for (i = 0; i < n; ++i) {
        output[i] = input[i] * sigmoid_f32(input[i]);
      }
      return NNACL_OK;
    case ACTIVATION_LINEAR:
      for (i = 0; i < n; ++i) {
        output[i] = input[i];
      }
      return NNACL_OK;
    default:
      return NNACL_ERR_PARAM;
  }
}
