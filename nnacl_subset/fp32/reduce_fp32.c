/*
 * reduce_fp32.c -- fp32 reductions over any axes, one walk per mode (REDUCE_WALK).
 */
#include <math.h>

#include "fp32/reduce_fp32.h"

#include "base/reduce_walk.h"

int reduce_fp32(const reduce_param_t *param, const float *input, float *output) {
  const float coeff = param->coeff;
  const float count = (float)param->axis_size;
  if (!reduce_walk_ok(param)) {
    return NNACL_ERR_PARAM;
  }
  switch (param->mode) {
    case REDUCE_MODE_SUM:
      REDUCE_WALK(param, float, input, output, float acc = 0.0f, acc += v, acc * coeff);
      break;
    case REDUCE_MODE_MEAN:
      REDUCE_WALK(param, float, input, output, float acc = 0.0f, acc += v, (acc / count) * coeff);
      break;
    case REDUCE_MODE_MAX: /* v != v: a NaN wins and stays */
      REDUCE_WALK(param, float, input, output, float acc = first, if (v > acc || v != v) { acc = v; },
                  acc * coeff);
      break;
    case REDUCE_MODE_MIN:
      REDUCE_WALK(param, float, input, output, float acc = first, if (v < acc || v != v) { acc = v; },
                  acc * coeff);
      break;
    case REDUCE_MODE_PROD:
      REDUCE_WALK(param, float, input, output, float acc = 1.0f, acc *= v, acc * coeff);
      break;
    case REDUCE_MODE_SUM_SQUARE:
      REDUCE_WALK(param, float, input, output, float acc = 0.0f, acc += v * v, acc * coeff);
      break;
    case REDUCE_MODE_ASUM:
      REDUCE_WALK(param, float, input, output, float acc = 0.0f, acc += fabsf(v), acc * coeff);
      break;
    case REDUCE_MODE_L2:
      REDUCE_WALK(param, float, input, output, float acc = 0.0f, acc += v * v, sqrtf(acc) * coeff);
      break;
    default:
      return NNACL_ERR_PARAM;
  }
  return NNACL_OK;
}
