/*
 * arithmetic_fp32.h -- fp32 element-wise binary ops with broadcasting and fused
 * activation (see common/arithmetic_param.h). The output may alias an input of the
 * output's shape.
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

#ifdef __cplusplus
}
#endif

#endif /* NNACL_FP32_ARITHMETIC_FP32_H_ */
