/* reduce_fp32.h -- fp32 ReduceFusion over any axes (see common/reduce_param.h): sum, mean,
 * max, min, prod, sum of squares, sum of |x|, L2. Accumulation in float, in row-major order of
 * the reduced elements; mean = sum / (float)axis_size; max / min propagate NaN; every result
 * is multiplied by coeff. */
#ifndef NNACL_FP32_REDUCE_FP32_H_
#define NNACL_FP32_REDUCE_FP32_H_

#include "common/reduce_param.h"

#ifdef __cplusplus
extern "C" {
#endif

/* returns NNACL_ERR_PARAM for a mode other than REDUCE_MODE_SUM .. REDUCE_MODE_L2 or an empty
 * reduction (axis_size < 1) */
int reduce_fp32(const reduce_param_t *param, const float *input, float *output);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_FP32_REDUCE_FP32_H_ */
