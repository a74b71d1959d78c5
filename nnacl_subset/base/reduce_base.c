/*
 * reduce_base.c -- bool and integer reductions over any axes. One function per integer type,
 * instantiated by REDUCE_INT_KERNEL; sums and products run in the unsigned type UT (at least
 * 32 bits, so that no operand is promoted to int) and wrap.
 */
#include "base/reduce_base.h"

#include "base/reduce_walk.h"

int reduce_bool(const reduce_param_t *param, const uint8_t *input, uint8_t *output) {
  if (!reduce_walk_ok(param)) {
    return NNACL_ERR_PARAM;
  }
  switch (param->mode) {
    case REDUCE_MODE_ALL:
      REDUCE_WALK(param, uint8_t, input, output, uint8_t acc = 1u, if (v == 0u) { acc = 0u; }, acc);
      break;
    case REDUCE_MODE_ANY:
      REDUCE_WALK(param, uint8_t, input, output, uint8_t acc = 0u, if (v != 0u) { acc = 1u; }, acc);
      break;
    default:
      return NNACL_ERR_PARAM;
  }
  return NNACL_OK;
}

#define REDUCE_INT_KERNEL(NAME, T, UT)                                                              \
  int NAME(const reduce_param_t *param, const T *input, T *output) {                                \
    if (!reduce_walk_ok(param)) {                                                                   \
      return NNACL_ERR_PARAM;                                                                       \
    }                                                                                               \
    switch (param->mode) {                                                                          \
      case REDUCE_MODE_SUM:                                                                         \
        REDUCE_WALK(param, T, input, output, UT acc = 0u, acc += (UT)v, (T)acc);                   \
        break;                                                                                      \
      case REDUCE_MODE_PROD:                                                                        \
        REDUCE_WALK(param, T, input, output, UT acc = 1u, acc *= (UT)v, (T)acc);                   \
        break;                                                                                      \
      case REDUCE_MODE_MAX:                                                                         \
        REDUCE_WALK(param, T, input, output, T acc = first, if (v > acc) { acc = v; }, acc);        \
        break;                                                                                      \
      case REDUCE_MODE_MIN:                                                                         \
        REDUCE_WALK(param, T, input, output, T acc = first, if (v < acc) { acc = v; }, acc);        \
        break;                                                                                      \
      default:                                                                                      \
        return NNACL_ERR_PARAM;                                                                     \
    }                                                                                               \
    return NNACL_OK;                                                                                \
  }

REDUCE_INT_KERNEL(reduce_int16, int16_t, uint32_t)
REDUCE_INT_KERNEL(reduce_int32, int32_t, uint32_t)
REDUCE_INT_KERNEL(reduce_int64, int64_t, uint64_t)
REDUCE_INT_KERNEL(reduce_uint8, uint8_t, uint32_t)
REDUCE_INT_KERNEL(reduce_uint16, uint16_t, uint32_t)
REDUCE_INT_KERNEL(reduce_uint32, uint32_t, uint32_t)
REDUCE_INT_KERNEL(reduce_uint64, uint64_t, uint64_t)
