/*
 * arithmetic_self_base.c -- unary math on plain integers, one function per type. The arithmetic
 * is done on UTYPE (an unsigned type at least as wide as TYPE and int) so that it wraps instead
 * of overflowing: |INT8_MIN| is INT8_MIN again, as in numpy.
 */
#include "base/arithmetic_self_base.h"

/* IS_NEG(v): v < 0 (constant 0 for the unsigned types, which never are) */
#define IS_NEG_SIGNED(v) ((v) < 0)
#define IS_NEG_UNSIGNED(v) 0

#define ARITHMETIC_SELF_BASE_DEFINE(SUFFIX, TYPE, UTYPE, IS_NEG)                                     \
  int arithmetic_self_##SUFFIX(const arithmetic_self_param_t *param, const TYPE *input, TYPE *output) { \
    int32_t i;                                                                                        \
    for (i = 0; i < param->size; ++i) {                                                               \
      const UTYPE u = (UTYPE)input[i];                                                                \
      switch (param->type) {                                                                          \
        case ARITHMETIC_SELF_ABS:                                                                     \
          output[i] = (TYPE)(IS_NEG(input[i]) ? (UTYPE)0u - u : u);                                   \
          break;                                                                                      \
        case ARITHMETIC_SELF_NEG:                                                                     \
          output[i] = (TYPE)((UTYPE)0u - u);                                                          \
          break;                                                                                      \
        case ARITHMETIC_SELF_SQUARE:                                                                  \
          output[i] = (TYPE)(u * u);                                                                  \
          break;                                                                                      \
        case ARITHMETIC_SELF_FLOOR:                                                                   \
        case ARITHMETIC_SELF_CEIL:                                                                    \
        case ARITHMETIC_SELF_ROUND:                                                                   \
          output[i] = input[i];                                                                       \
          break;                                                                                      \
        default:                                                                                      \
          return NNACL_ERR_PARAM;                                                                     \
      }                                                                                               \
    }                                                                                                 \
    return NNACL_OK;                                                                                  \
  }

ARITHMETIC_SELF_BASE_DEFINE(i8, int8_t, uint32_t, IS_NEG_SIGNED)
ARITHMETIC_SELF_BASE_DEFINE(i16, int16_t, uint32_t, IS_NEG_SIGNED)
ARITHMETIC_SELF_BASE_DEFINE(i32, int32_t, uint32_t, IS_NEG_SIGNED)
ARITHMETIC_SELF_BASE_DEFINE(i64, int64_t, uint64_t, IS_NEG_SIGNED)
ARITHMETIC_SELF_BASE_DEFINE(u8, uint8_t, uint32_t, IS_NEG_UNSIGNED)
ARITHMETIC_SELF_BASE_DEFINE(u16, uint16_t, uint32_t, IS_NEG_UNSIGNED)
ARITHMETIC_SELF_BASE_DEFINE(u32, uint32_t, uint32_t, IS_NEG_UNSIGNED)
ARITHMETIC_SELF_BASE_DEFINE(u64, uint64_t, uint64_t, IS_NEG_UNSIGNED)

void logical_not_base(const arithmetic_self_param_t *param, const uint8_t *input, uint8_t *output) {
  int32_t i;
  for (i = 0; i < param->size; ++i) {
    output[i] = (uint8_t)(input[i] == 0u);
  }
}
