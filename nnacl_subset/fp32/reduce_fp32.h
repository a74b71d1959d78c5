/* reduce_fp32.h -- fp32 ReduceMean / ReduceSum / ReduceMax / ReduceMin over one run of adjacent
 * axes (see common/reduce_param.h). Sums run in index order in float; mean = sum / (float)axis_size. */
#ifndef NNACL_FP32_REDUCE_FP32_H_
#define NNACL_FP32_REDUCE_FP32_H_

#include "common/reduce_param.h"

#ifdef __cplusplus
extern "C" {
#endif

void reduce_mean_fp32(const reduce_param_t *param, const float *input, float *output);
void reduce_sum_fp32(const reduce_param_t *param, const float *input, float *output);
void reduce_max_fp32(const reduce_param_t *param, const float *input, float *output);
void reduce_min_fp32(const reduce_param_t *param, const float *input, float *output);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_FP32_REDUCE_FP32_H_ */
