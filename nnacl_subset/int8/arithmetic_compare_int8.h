/*
 * arithmetic_compare_int8.h -- comparisons of quantized int8 inputs with broadcasting, as
 * TFLite's ComparisonWithScaling: each input becomes
 * MBQM((q + in_offset) << left_shift, in_multiplier, in_shift) (double rounding, fields of
 * common/arithmetic_param.h) and those int32 values are compared; bool (0 / 1 byte) output.
 */
#ifndef NNACL_INT8_ARITHMETIC_COMPARE_INT8_H_
#define NNACL_INT8_ARITHMETIC_COMPARE_INT8_H_

#include "common/arithmetic_param.h"

#ifdef __cplusplus
extern "C" {
#endif

void equal_int8(const arith_param_t *param, const int8_t *input0, const int8_t *input1, uint8_t *output);
void not_equal_int8(const arith_param_t *param, const int8_t *input0, const int8_t *input1, uint8_t *output);
void less_int8(const arith_param_t *param, const int8_t *input0, const int8_t *input1, uint8_t *output);
void less_equal_int8(const arith_param_t *param, const int8_t *input0, const int8_t *input1, uint8_t *output);
void greater_int8(const arith_param_t *param, const int8_t *input0, const int8_t *input1, uint8_t *output);
void greater_equal_int8(const arith_param_t *param, const int8_t *input0, const int8_t *input1, uint8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_INT8_ARITHMETIC_COMPARE_INT8_H_ */
