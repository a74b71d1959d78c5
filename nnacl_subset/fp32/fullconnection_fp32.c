/*
 * fullconnection_fp32.c -- fp32 FullConnection: the gemm of dot_block_fp32.h (blocks of 2 rows x
 * 4 units, 1 x 4 for a single row); every sum runs over the depth in order from 0 and the bias
 * is added last.
 */
#include "fp32/fullconnection_fp32.h"
#include "fp32/dot_block_fp32.h"

void fullconnection_fp32(const fullconnection_param_t *param, const float *input, const float *weight, const float *bias,
             float *output) {
  nnacl_fp32_gemm(input, (size_t)param->depth, param->rows, weight, param->depth, param->units, bias,
                  param->act_type, output, (size_t)param->units);
}
