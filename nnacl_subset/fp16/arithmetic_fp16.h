/*
 * arithmetic_fp16.h -- float16 element-wise binary ops with broadcasting and fused activation
 * (see common/arithmetic_param.h). float16 tensors are IEEE binary16 bits in uint16_t; each
 * element is widened to float, computed as the fp32 kernel of the same name does
 * (fp32/arithmetic_fp32.h), activated, and rounded back to nearest even. The output may alias
 * an input of the output's shape.
 *
 * arithmetic_fp16.c: add, sub, mul, div, maximum, minimum, squared_difference;
 * arithmetic_math_fp16.c (needs libm): floor_div, floor_mod, mod.
 */
#ifndef NNACL_FP16_ARITHMETIC_FP16_H_
#define NNACL_FP16_ARITHMETIC_FP16_H_

#include "common/arithmetic_param.h"

#ifdef __cplusplus
extern "C" {
#endif

void add_fp16(const arith_param_t *param, const uint16_t *input0, const uint16_t *input1, uint16_t *output);
void sub_fp16(const arith_param_t *param, const uint16_t *input0, const uint16_t *input1, uint16_t *output);
void mul_fp16(const arith_param_t *param, const uint16_t *input0, const uint16_t *input1, uint16_t *output);
void div_fp16(const arith_param_t *param, const uint16_t *input0, const uint16_t *input1, uint16_t *output);
void maximum_fp16(const arith_param_t *param, const uint16_t *input0, const uint16_t *input1, uint16_t *output);
void minimum_fp16(const arith_param_t *param, const uint16_t *input0, const uint16_t *input1, uint16_t *output);
void squared_difference_fp16(const arith_param_t *param, const uint16_t *input0, const uint16_t *input1,
                             uint16_t *output);
void floor_div_fp16(const arith_param_t *param, const uint16_t *input0, const uint16_t *input1, uint16_t *output);
void floor_mod_fp16(const arith_param_t *param, const uint16_t *input0, const uint16_t *input1, uint16_t *output);
void mod_fp16(const arith_param_t *param, const uint16_t *input0, const uint16_t *input1, uint16_t *output);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_FP16_ARITHMETIC_FP16_H_ */
