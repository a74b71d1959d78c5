/*
 * arithmetic_base.h -- the broadcast driver every element-wise binary kernel runs on
 * (arithmetic_base.c), and the binary ops on non-quantized integers, one function per op
 * and type (arithmetic_integer_base.c; see common/arithmetic_param.h for the parameters).
 *
 * Integer semantics (C, two's complement): add, sub, mul and squared_difference wrap modulo
 * 2^bits; div truncates toward zero, floor_div rounds toward -inf, mod has the dividend's
 * sign, floor_mod the divisor's; MIN / -1 wraps to MIN. A zero divisor stops the kernel with
 * NNACL_ERR_PARAM. Every kernel returns NNACL_OK otherwise. The output may alias an input
 * of the output's shape.
 */
#ifndef NNACL_BASE_ARITHMETIC_BASE_H_
#define NNACL_BASE_ARITHMETIC_BASE_H_

#include "common/arithmetic_param.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One contiguous run of n outputs: element i reads in0[i * stride0] and in1[i * stride1]
 * (strides are 0 or 1 elements). Returns NNACL_OK or an error that stops the driver. */
typedef int (*arith_run_t)(const arith_param_t *param, const void *in0, int32_t stride0, const void *in1,
                           int32_t stride1, void *out, int32_t n);

/* Split the output of param (variant, out_shape, strides) into runs and call run on each;
 * *_bytes are the element sizes of the two inputs and the output. Returns the first error. */
int arith_broadcast_apply(const arith_param_t *param, const void *in0, size_t in0_bytes, const void *in1,
                          size_t in1_bytes, void *out, size_t out_bytes, arith_run_t run);

#define ARITH_INTEGER_DECLARE(op, tag, T) \
  int op##_##tag(const arith_param_t *param, const T *input0, const T *input1, T *output);

/* add_<tag>, sub_, mul_, div_, maximum_, minimum_, floor_div_, floor_mod_, mod_,
 * squared_difference_<tag> for tag s8 s16 s32 s64 (int8_t..int64_t), u8 u16 u32 u64 */
#define ARITH_INTEGER_DECLARE_OPS(tag, T)                                                           \
  ARITH_INTEGER_DECLARE(add, tag, T)                                                                \
  ARITH_INTEGER_DECLARE(sub, tag, T)                                                                \
  ARITH_INTEGER_DECLARE(mul, tag, T)                                                                \
  ARITH_INTEGER_DECLARE(div, tag, T)                                                                \
  ARITH_INTEGER_DECLARE(maximum, tag, T)                                                            \
  ARITH_INTEGER_DECLARE(minimum, tag, T)                                                            \
  ARITH_INTEGER_DECLARE(floor_div, tag, T)                                                          \
  ARITH_INTEGER_DECLARE(floor_mod, tag, T)                                                          \
  ARITH_INTEGER_DECLARE(mod, tag, T)                                                                \
  ARITH_INTEGER_DECLARE(squared_difference, tag, T)

ARITH_INTEGER_DECLARE_OPS(s8, int8_t)
ARITH_INTEGER_DECLARE_OPS(s16, int16_t)
ARITH_INTEGER_DECLARE_OPS(s32, int32_t)
ARITH_INTEGER_DECLARE_OPS(s64, int64_t)
ARITH_INTEGER_DECLARE_OPS(u8, uint8_t)
ARITH_INTEGER_DECLARE_OPS(u16, uint16_t)
ARITH_INTEGER_DECLARE_OPS(u32, uint32_t)
ARITH_INTEGER_DECLARE_OPS(u64, uint64_t)

#ifdef __cplusplus
}
#endif

#endif /* NNACL_BASE_ARITHMETIC_BASE_H_ */
