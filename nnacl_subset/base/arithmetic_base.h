/*
 * arithmetic_base.h -- the broadcast driver every element-wise binary kernel runs on
 * (arithmetic_base.c), the template of the fp32 / fp16 kernels (ARITH_FLOAT_KERNEL), and the
 * binary ops on non-quantized integers, one function per op and type
 * (arithmetic_integer_base.c; see common/arithmetic_param.h for the parameters).
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

/* Defines, in the .c that expands it, the float-computed kernel
 * void op##_##tag(const arith_param_t *param, const T *input0, const T *input1, T *output) and
 * its run function: x and y are the two inputs widened to float by LOAD, EXPR (of x and y) is
 * computed in float, the fused activation applied and the result narrowed by STORE.
 * ARITH_FP32_KERNEL (fp32/arithmetic_fp32.c, arithmetic_math_fp32.c) and ARITH_FP16_KERNEL
 * (fp16/arithmetic_fp16.c, arithmetic_math_fp16.c) are its two instances; an EXPR calling libm
 * belongs in an arithmetic_math_* file, so that models without such ops do not link libm. */
#define ARITH_FLOAT_KERNEL(op, tag, T, LOAD, STORE, EXPR)                                           \
  static int run_##op##_##tag(const arith_param_t *param, const void *in0, int32_t s0, const void *in1, \
                              int32_t s1, void *out, int32_t n) {                                   \
    const T *a = (const T *)in0;                                                                    \
    const T *b = (const T *)in1;                                                                    \
    T *o = (T *)out;                                                                                \
    const int32_t act = param->act_type;                                                            \
    int32_t i;                                                                                      \
    for (i = 0; i < n; ++i) {                                                                       \
      const float x = LOAD(a[i * s0]), y = LOAD(b[i * s1]);                                         \
      o[i] = STORE(nnacl_act_fp32(EXPR, act));                                                      \
    }                                                                                               \
    return NNACL_OK;                                                                                \
  }                                                                                                 \
  void op##_##tag(const arith_param_t *param, const T *input0, const T *input1, T *output) {        \
    (void)arith_broadcast_apply(param, input0, sizeof(T), input1, sizeof(T), output, sizeof(T),     \
                                run_##op##_##tag);                                                  \
  }

#define ARITH_FLOAT_SAME(v) (v)
#define ARITH_FP32_KERNEL(op, EXPR) ARITH_FLOAT_KERNEL(op, fp32, float, ARITH_FLOAT_SAME, ARITH_FLOAT_SAME, EXPR)
/* float16 tensors are IEEE binary16 bits in uint16_t, rounded back to nearest even */
#define ARITH_FP16_KERNEL(op, EXPR) ARITH_FLOAT_KERNEL(op, fp16, uint16_t, nnacl_f16_to_f32, nnacl_f32_to_f16, EXPR)

/* The float ops, KERNEL(op, EXPR of x and y) each, for ARITH_FP32_KERNEL and ARITH_FP16_KERNEL:
 * ARITH_FLOAT_OPS in arithmetic_fp32.c / arithmetic_fp16.c; ARITH_FLOAT_MATH_OPS, which call
 * libm, in arithmetic_math_fp32.c / arithmetic_math_fp16.c (they include <math.h>). */
#define ARITH_FLOAT_OPS(KERNEL)                 \
  KERNEL(add, x + y)                            \
  KERNEL(sub, x - y)                            \
  KERNEL(mul, x * y)                            \
  KERNEL(div, x / y)                            \
  KERNEL(maximum, x >= y ? x : y)               \
  KERNEL(minimum, x <= y ? x : y)               \
  KERNEL(squared_difference, (x - y) * (x - y))
#define ARITH_FLOAT_MATH_OPS(KERNEL)                          \
  KERNEL(floor_div, floorf(x / y))                            \
  KERNEL(floor_mod, arith_floor_mod_f32(fmodf(x, y), y))      \
  KERNEL(mod, fmodf(x, y))

/* r = fmodf(x, y) moved to the sign of y: Python / numpy floor modulo */
static inline float arith_floor_mod_f32(float r, float y) {
  return (r != 0.0f && ((r < 0.0f) != (y < 0.0f))) ? r + y : r;
}

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
