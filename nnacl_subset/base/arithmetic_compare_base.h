/*
 * arithmetic_compare_base.h -- comparisons, logical ops and Where on non-quantized data,
 * with broadcasting (base/arithmetic_base.h drives the binary ones).
 *
 * <cmp>_<tag>(param, a, b, out): out[i] = a[i] <cmp> b[i] as a bool byte (0 / 1), for
 * cmp in equal, not_equal, less, less_equal, greater, greater_equal and tag in fp32 (float),
 * fp16 (binary16 bits in uint16_t, compared as float), s8 s16 s32 s64, u8 u16 u32 u64
 * (bool is u8). logical_and_bool / logical_or_bool: truth values (non-zero is true).
 * where_base: out[i] = cond[i] ? x[i] : y[i] for elements of any size (where_param_t).
 */
#ifndef NNACL_BASE_ARITHMETIC_COMPARE_BASE_H_
#define NNACL_BASE_ARITHMETIC_COMPARE_BASE_H_

#include "common/arithmetic_compare_param.h"
#include "common/arithmetic_param.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ARITH_COMPARE_DECLARE(op, tag, T) \
  void op##_##tag(const arith_param_t *param, const T *input0, const T *input1, uint8_t *output);

#define ARITH_COMPARE_DECLARE_OPS(tag, T)  \
  ARITH_COMPARE_DECLARE(equal, tag, T)     \
  ARITH_COMPARE_DECLARE(not_equal, tag, T) \
  ARITH_COMPARE_DECLARE(less, tag, T)      \
  ARITH_COMPARE_DECLARE(less_equal, tag, T) \
  ARITH_COMPARE_DECLARE(greater, tag, T)   \
  ARITH_COMPARE_DECLARE(greater_equal, tag, T)

ARITH_COMPARE_DECLARE_OPS(fp32, float)
ARITH_COMPARE_DECLARE_OPS(fp16, uint16_t)
ARITH_COMPARE_DECLARE_OPS(s8, int8_t)
ARITH_COMPARE_DECLARE_OPS(s16, int16_t)
ARITH_COMPARE_DECLARE_OPS(s32, int32_t)
ARITH_COMPARE_DECLARE_OPS(s64, int64_t)
ARITH_COMPARE_DECLARE_OPS(u8, uint8_t)
ARITH_COMPARE_DECLARE_OPS(u16, uint16_t)
ARITH_COMPARE_DECLARE_OPS(u32, uint32_t)
ARITH_COMPARE_DECLARE_OPS(u64, uint64_t)

void logical_and_bool(const arith_param_t *param, const uint8_t *input0, const uint8_t *input1, uint8_t *output);
void logical_or_bool(const arith_param_t *param, const uint8_t *input0, const uint8_t *input1, uint8_t *output);

void where_base(const where_param_t *param, const uint8_t *condition, const void *x, const void *y, void *output);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_BASE_ARITHMETIC_COMPARE_BASE_H_ */
