/*
 * arithmetic_math_fp32.c -- the fp32 binary ops that need libm (floorf, fmodf, powf): kept
 * apart from arithmetic_fp32.c so that models without them do not link libm. floor_div,
 * floor_mod and mod are base/arithmetic_base.h's ARITH_FLOAT_MATH_OPS.
 */
#include <math.h>

#include "fp32/arithmetic_fp32.h"

#include "base/arithmetic_base.h"

ARITH_FLOAT_MATH_OPS(ARITH_FP32_KERNEL)

/* bytes of one element of an ARITH_DTYPE_* */
static size_t dtype_bytes(int32_t dtype) {
  switch (dtype) {
    case ARITH_DTYPE_INT8:
    case ARITH_DTYPE_UINT8:
      return 1;
    case ARITH_DTYPE_FLOAT16:
    case ARITH_DTYPE_INT16:
    case ARITH_DTYPE_UINT16:
      return 2;
    case ARITH_DTYPE_INT64:
    case ARITH_DTYPE_UINT64:
      return 8;
    default:
      return 4;
  }
}

/* element i of p (an ARITH_DTYPE_* array) as float, rounded to nearest */
static float load_f32(const void *p, int32_t i, int32_t dtype) {
  switch (dtype) {
    case ARITH_DTYPE_FLOAT16:
      return nnacl_f16_to_f32(((const uint16_t *)p)[i]);
    case ARITH_DTYPE_INT8:
      return (float)((const int8_t *)p)[i];
    case ARITH_DTYPE_INT16:
      return (float)((const int16_t *)p)[i];
    case ARITH_DTYPE_INT32:
      return (float)((const int32_t *)p)[i];
    case ARITH_DTYPE_INT64:
      return (float)((const int64_t *)p)[i];
    case ARITH_DTYPE_UINT8:
      return (float)((const uint8_t *)p)[i];
    case ARITH_DTYPE_UINT16:
      return (float)((const uint16_t *)p)[i];
    case ARITH_DTYPE_UINT32:
      return (float)((const uint32_t *)p)[i];
    case ARITH_DTYPE_UINT64:
      return (float)((const uint64_t *)p)[i];
    default:
      return ((const float *)p)[i];
  }
}

static int run_pow_fp32(const arith_param_t *param, const void *in0, int32_t s0, const void *in1, int32_t s1,
                        void *out, int32_t n) {
  float *o = (float *)out;
  int32_t i;
  if (param->in0_dtype == ARITH_DTYPE_FLOAT32 && param->in1_dtype == ARITH_DTYPE_FLOAT32) {
    const float *a = (const float *)in0;
    const float *b = (const float *)in1;
    for (i = 0; i < n; ++i) {
      o[i] = powf(param->scale * a[i * s0] + param->shift, b[i * s1]);
    }
    return NNACL_OK;
  }
  for (i = 0; i < n; ++i) {
    const float x = load_f32(in0, i * s0, param->in0_dtype);
    o[i] = powf(param->scale * x + param->shift, load_f32(in1, i * s1, param->in1_dtype));
  }
  return NNACL_OK;
}

void pow_fp32(const arith_param_t *param, const void *input0, const void *input1, float *output) {
  (void)arith_broadcast_apply(param, input0, dtype_bytes(param->in0_dtype), input1, dtype_bytes(param->in1_dtype),
                              output, sizeof(float), run_pow_fp32);
}
