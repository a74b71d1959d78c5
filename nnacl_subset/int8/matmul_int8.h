/*
 * matmul_int8.h -- int8 MatMulFusion (TFLite BatchMatMul / FullyConnected arithmetic):
 *   acc = bias[n] + sum_k (A[b](m, k) - a_zp) * (B[b](k, n) - b_zp)      (int32, exact)
 *   out[b][m][n] = clamp(MBQM(acc, multiplier, shift) + output_zp, act_min, act_max)
 * with one multiplier/shift per column n when param->per_channel, else one. bias (int32,
 * `col` values) may be NULL. The addressing of A and B is described in common/matmul_param.h.
 */
#ifndef NNACL_INT8_MATMUL_INT8_H_
#define NNACL_INT8_MATMUL_INT8_H_

#include "common/matmul_param.h"

#ifdef __cplusplus
extern "C" {
#endif

void matmul_int8(const matmul_param_t *param, const int8_t *a, const int8_t *b, const int32_t *bias,
                 const int32_t *multiplier, const int32_t *shift, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_INT8_MATMUL_INT8_H_ */
