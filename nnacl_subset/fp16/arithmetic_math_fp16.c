/*
 * arithmetic_math_fp16.c -- the float16 binary ops that need libm (floorf, fmodf), computed in
 * float as fp32/arithmetic_math_fp32.c does (the same ARITH_FLOAT_MATH_OPS of
 * base/arithmetic_base.h) and rounded back (see fp16/arithmetic_fp16.h).
 */
#include <math.h>

#include "fp16/arithmetic_fp16.h"

#include "base/arithmetic_base.h"

ARITH_FLOAT_MATH_OPS(ARITH_FP16_KERNEL)
