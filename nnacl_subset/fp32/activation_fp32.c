/*
 * activation_fp32.c -- fp32 stand-alone activations and Clip (float math: expf, expm1f,
 * log1pf, tanhf, erfcf where the activation needs them).
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

/* 0.5 x (1 + erf(x / sqrt 2)), as 0.5 x erfc(-x / sqrt 2): no cancellation for x << 0 */
static float gelu_erf_f32(float x) {
  return 0.5f * x * erfcf(-x * 0.70710678118654752f);
}

/* 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))) */
static float gelu_tanh_f32(float x) {
  return 0.5f * x * (1.0f + tanhf(0.79788456080286536f * (x + 0.044715f * x * x * x)));
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
    case ACTIVATION_ELU:
      for (i = 0; i < n; ++i) {
        output[i] = input[i] > 0.0f ? input[i] : param->alpha * expm1f(input[i]);
      }
      return NNACL_OK;
    case ACTIVATION_ABS:
      for (i = 0; i < n; ++i) {
        output[i] = fabsf(input[i]);
      }
      return NNACL_OK;
    case ACTIVATION_SOFTSIGN:
      for (i = 0; i < n; ++i) {
        output[i] = input[i] / (1.0f + fabsf(input[i]));
      }
      return NNACL_OK;
    case ACTIVATION_SOFTPLUS:
      for (i = 0; i < n; ++i) {
        /* max(x, 0) + log(1 + exp(-|x|)): no overflow for large |x| */
        output[i] = (input[i] > 0.0f ? input[i] : 0.0f) + log1pf(expf(-fabsf(input[i])));
      }
      return NNACL_OK;
    case ACTIVATION_SELU:
      for (i = 0; i < n; ++i) {
        output[i] = 1.05070098f * (input[i] > 0.0f ? input[i] : 1.67326324f * expm1f(input[i]));
      }
      return NNACL_OK;
    case ACTIVATION_SIGN:
      for (i = 0; i < n; ++i) {
        /* 0 and NaN stay as they are */
        output[i] = input[i] > 0.0f ? 1.0f : (input[i] < 0.0f ? -1.0f : input[i]);
      }
      return NNACL_OK;
    case ACTIVATION_GELU:
      for (i = 0; i < n; ++i) {
        output[i] = param->approximate ? gelu_tanh_f32(input[i]) : gelu_erf_f32(input[i]);
      }
      return NNACL_OK;
    default:
      return NNACL_ERR_PARAM;
  }
}

void clip_fp32(const activation_param_t *param, const float *input, const float *min_in, const float *max_in,
               float *output) {
  const int32_t has_min = min_in != NULL || param->has_min;
  const int32_t has_max = max_in != NULL || param->has_max;
  const float lo = min_in != NULL ? min_in[0] : param->min_val;
  const float hi = max_in != NULL ? max_in[0] : param->max_val;
  int32_t i;
  for (i = 0; i < param->size; ++i) {
    float v = input[i];
    if (has_min && v < lo) {
      v = lo;
    }
    if (has_max && v > hi) {
      v = hi;
    }
    output[i] = v; /* NaN passes through */
  }
}
