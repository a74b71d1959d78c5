/*
 * arithmetic_fp32.h -- fp32 element-wise binary ops with broadcasting and fused
 * activation (see common/arithmetic_param.h), on the driver of base/arithmetic_base.h.
 * The output may alias an input of the output's shape.
 *
 * arithmetic_fp32.c: add, sub, mul, div, maximum, minimum, squared_difference ((a-b)*(a-b)).
 * arithmetic_math_fp32.c (needs libm): floor_div (floorf(a / b)), floor_mod (fmodf(a, b), plus
 * b when non-zero with the other sign than b), mod (fmodf(a, b)) and pow: powf(scale * x +
 * shift, y) with x and y of any ARITH_DTYPE_* (in0_dtype / in1_dtype) widened to float.
 */
#ifndef NNACL_FP32_ARITHMETIC_FP32_H_
#define NNACL_FP32_ARITHMETIC_FP32_H_

#include "common/arithmetic_param.h"

#ifdef __cplusplus
extern "C" {
#endif

void add_fp32(const arith_param_t *param, const float *input0, const float *input1, float *output);
void sub_fp32(const arith_param_t *param, const float *input0, const float *input1, float *output);
void mul_fp32(const arith_param_t *param, const float *input0, const float *input1, float *output);
void div_fp32(const arith_param_t *param, const float *input0, const float *input1, float *output);
void maximum_fp32(const arith_param_t *param, const float *input0, const float *input1, float *output);
void minimum_fp32(const arith_param_t *param, const float *input0, const float *input1, float *output);
void squared_difference_fp32(const arith_param_t *param, const float *input0, const float *input1, float *output);
void floor_div_fp32(const arith_param_t *param, const float *input0, const float *input1, float *output);
void floor_mod_fp32(const arith_param_t *param, const float *input0, const float *input1, float *output);
void mod_fp32(const arith_param_t *param, const float *input0, const float *input1, float *output);
void pow_fp32(const arith_param_t *param, const void *input0, const void *input1, float *output);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_FP32_ARITHMETIC_FP32_H_ */
