/*
 * activation_base.c -- activations and Clip on plain integers (no quantization parameters),
 * instantiated once per element type. The bounds of the parameter struct were computed at
 * generation time and lie inside the type's range; bound inputs (Clip) have the data's type.
 */
#include "base/activation_base.h"

/* ABS_OF(v): |v| of a TYPE value v, where |TYPE_MIN| gives the type's maximum (saturation; int64:
 * itself, as numpy's int64 arithmetic); unsigned: v */
#define ABS_SIGNED(v, TYPE_MIN, ABS_OF_MIN) ((v) >= 0 ? (v) : ((v) == (TYPE_MIN) ? (ABS_OF_MIN) : -(v)))
#define ABS_I8(v) (int8_t) ABS_SIGNED(v, INT8_MIN, INT8_MAX)
#define ABS_I16(v) (int16_t) ABS_SIGNED(v, INT16_MIN, INT16_MAX)
#define ABS_I32(v) ABS_SIGNED(v, INT32_MIN, INT32_MAX)
#define ABS_I64(v) ABS_SIGNED(v, INT64_MIN, INT64_MIN)
#define ABS_UNSIGNED(v) (v)

#define ACTIVATION_BASE_DEFINE(SUFFIX, TYPE, ABS_OF)                                  \
  int activation_int_##SUFFIX(const activation_param_t *param, const TYPE *input, const TYPE *min_in, \
                              const TYPE *max_in, TYPE *output) {                                    \
    int32_t i;                                                                                       \
    if (param->type == ACTIVATION_ABS) {                                                             \
      for (i = 0; i < param->size; ++i) {                                                            \
        const TYPE v = input[i];                                                                     \
        output[i] = ABS_OF(v);                                                                       \
      }                                                                                              \
    } else {                                                                                         \
      const int32_t has_min = min_in != NULL || param->has_min;                                      \
      const int32_t has_max = max_in != NULL || param->has_max;                                      \
      const TYPE lo = min_in != NULL ? min_in[0] : (TYPE)param->int_lo;                              \
      const TYPE hi = max_in != NULL ? max_in[0] : (TYPE)param->int_hi;                              \
      for (i = 0; i < param->size; ++i) {                                                            \
        TYPE v = input[i];                                                                           \
        if (has_min && v < lo) {                                                                     \
          v = lo;                                                                                    \
        }                                                                                            \
        if (has_max && v > hi) {                                                                     \
          v = hi;                                                                                    \
        }                                                                                            \
        output[i] = v;                                                                               \
      }                                                                                              \
    }                                                                                                \
    return NNACL_OK;                                                                                 \
  }

ACTIVATION_BASE_DEFINE(i8, int8_t, ABS_I8)
ACTIVATION_BASE_DEFINE(i16, int16_t, ABS_I16)
ACTIVATION_BASE_DEFINE(i32, int32_t, ABS_I32)
ACTIVATION_BASE_DEFINE(i64, int64_t, ABS_I64)
ACTIVATION_BASE_DEFINE(u8, uint8_t, ABS_UNSIGNED)
ACTIVATION_BASE_DEFINE(u16, uint16_t, ABS_UNSIGNED)
ACTIVATION_BASE_DEFINE(u32, uint32_t, ABS_UNSIGNED)
