/*
 * matmul_fp32.h -- fp32 MatMulFusion (batched, broadcast batch dims, strided operands):
 *   out[b][m][n] = act(sum_k A[b](m, k) * B[b](k, n) + bias[n])
 * summed in float from 0 in k order, the bias added last; bias (`col` values) may be NULL.
 * The addressing of A and B is described in common/matmul_param.h.
 */
#ifndef NNACL_FP32_MATMUL_FP32_H_
#define NNACL_FP32_MATMUL_FP32_H_

#include "common/matmul_param.h"

#ifdef __cplusplus
extern "C" {
#endif

void matmul_fp32(const matmul_param_t *param, const float *a, const float *b, const float *bias, float *output);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_FP32_MATMUL_FP32_H_ */
