/*
 * arithmetic_int8.h -- int8 element-wise Add / Sub / Mul with broadcasting and fused
 * activation (TFLite reference integer arithmetic, see common/arithmetic_param.h).
 * The output may alias an input of the output's shape.
 *
 * Add / Sub take an optional table (NULL: the plain TFLite arithmetic of the parameters): 512
 * int32 made by the generator, T0[u] = MBQM((x + in0_offset) << left_shift, in0_multiplier,
 * in0_shift) << max(out_shift0, 0) for the int8 value x with bit pattern u (0..255), T1 likewise
 * for input 1 (negated for Sub); then raw = T0[x0] + T1[x1] and
 * out = clamp(MBQM(raw, out_multiplier, out_shift) + out_offset) with out_shift = min(out_shift0, 0)
 * (the generator moves a left shift into the tables) and |raw| < 2^30 for every pair of values.
 */
#ifndef NNACL_INT8_ARITHMETIC_INT8_H_
#define NNACL_INT8_ARITHMETIC_INT8_H_

#include "common/arithmetic_param.h"

#ifdef __cplusplus
extern "C" {
#endif

void add_int8(const arith_param_t *param, const int8_t *input0, const int8_t *input1, const int32_t *table,
              int8_t *output);
void sub_int8(const arith_param_t *param, const int8_t *input0, const int8_t *input1, const int32_t *table,
              int8_t *output);
void mul_int8(const arith_param_t *param, const int8_t *input0, const int8_t *input1, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_INT8_ARITHMETIC_INT8_H_ */
