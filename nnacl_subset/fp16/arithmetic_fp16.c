/*
 * arithmetic_fp16.c -- float16 element-wise binary ops (see fp16/arithmetic_fp16.h), one run
 * function per op driven by arith_broadcast_apply (base/arithmetic_base.c); the ops and their
 * template are base/arithmetic_base.h's ARITH_FLOAT_OPS and ARITH_FLOAT_KERNEL.
 */
#include "fp16/arithmetic_fp16.h"

#include "base/arithmetic_base.h"

ARITH_FLOAT_OPS(ARITH_FP16_KERNEL)
