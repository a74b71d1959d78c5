/*
 * reduce_int8.c -- int8 reductions over any axes, one walk per mode (REDUCE_WALK).
 */
#include "int8/reduce_int8.h"

#include "base/reduce_walk.h"

/* TFLite's MultiplyByQuantizedMultiplier for an int64 x (|x| < 2^47, shift < 8) */
static int32_t reduce_mbqm64(int64_t x, int32_t multiplier, int32_t shift) {
  const int64_t reduced = multiplier < 0x7FFF0000 ? (((int64_t)multiplier + (1 << 15)) >> 16) : 0x7FFF;
  const int32_t total = 15 - shift;
  return (int32_t)((x * reduced + ((int64_t)1 << (total - 1))) >> total);
}

/* (sum - input_zp * n) as TFLite's static_cast<int32_t> of the int64 difference */
static int8_t reduce_requant_sum(const reduce_param_t *param, uint32_t sum) {
  const int64_t shifted = (int64_t)(int32_t)sum - (int64_t)param->input_zp * param->axis_size;
  return nnacl_requant_i8((int32_t)shifted, param->multiplier, param->shift, param->rounding, param->output_zp,
                          param->act_min, param->act_max);
}

static int8_t reduce_clamp_prod(const reduce_param_t *param, int32_t p) {
  const int64_t v = (int64_t)reduce_mbqm64(p, param->multiplier, param->shift) + param->output_zp;
  return (int8_t)(v < param->act_min ? param->act_min : (v > param->act_max ? param->act_max : v));
}

int reduce_int8(const reduce_param_t *param, const int8_t *input, int8_t *output) {
  const int32_t zp = param->input_zp;
  if (!reduce_walk_ok(param)) {
    return NNACL_ERR_PARAM;
  }
  switch (param->mode) {
    case REDUCE_MODE_SUM:
    case REDUCE_MODE_MEAN: /* int32 sum, wrapping like TFLite's */
      REDUCE_WALK(param, int8_t, input, output, uint32_t acc = 0u, acc += (uint32_t)(int32_t)v,
                  reduce_requant_sum(param, acc));
      break;
    case REDUCE_MODE_MAX:
      REDUCE_WALK(param, int8_t, input, output, int8_t acc = first, if (v > acc) { acc = v; }, acc);
      break;
    case REDUCE_MODE_MIN:
      REDUCE_WALK(param, int8_t, input, output, int8_t acc = first, if (v < acc) { acc = v; }, acc);
      break;
    case REDUCE_MODE_PROD:
      REDUCE_WALK(param, int8_t, input, output, int32_t acc = 0,
                  acc = (walk_r | walk_k) ? reduce_mbqm64((int64_t)acc * (v - zp), param->multiplier, param->shift)
                                          : v - zp,
                  reduce_clamp_prod(param, acc));
      break;
    default:
      return NNACL_ERR_PARAM;
  }
  return NNACL_OK;
}
