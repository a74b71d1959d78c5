/*
 * arithmetic_int8.h -- int8 element-wise Add / Sub / Mul with broadcasting and fused
 * activation (TFLite reference integer arithmetic, see common/arithmetic_param.h).
 * The output may alias an input of the output's shape.
 */
#ifndef NNACL_INT8_ARITHMETIC_INT8_H_
#define NNACL_INT8_ARITHMETIC_INT8_H_

#include "common/arithmetic_param.h"

#ifdef __cplusplus
extern "C" {
#endif

void add_int8(const arith_param_t *param, const int8_t *input0, const int8_t *input1, int8_t *output);
void sub_int8(const arith_param_t *param, const int8_t *input0, const int8_t *input1, int8_t *output);
void mul_int8(const arith_param_t *param, const int8_t *input0, const int8_t *input1, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_INT8_ARITHMETIC_INT8_H_ */
