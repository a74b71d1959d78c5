/*
 * arithmetic_fp32.c -- fp32 element-wise binary ops: one run function per op over a
 * contiguous output run (inputs advancing by 0 or 1 element), driven over the broadcast by
 * arith_broadcast_apply (base/arithmetic_base.c). The fused activation follows every op. The
 * ops and their template are base/arithmetic_base.h's ARITH_FLOAT_OPS and ARITH_FLOAT_KERNEL.
 */
#include "fp32/arithmetic_fp32.h"

#include "base/arithmetic_base.h"

ARITH_FLOAT_OPS(ARITH_FP32_KERNEL)
