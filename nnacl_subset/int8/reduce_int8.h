/* reduce_int8.h -- int8 reductions over one run of adjacent axes (TFLite reference):
 *   mean / sum: out = clamp(MBQM(sum(x) - input_zp * axis_size, multiplier, shift) + output_zp,
 *               act_min, act_max) -- for the mean the 1/axis_size is folded into the multiplier;
 *   max / min:  the raw extreme value (input and output share quantization). */
#ifndef NNACL_INT8_REDUCE_INT8_H_
#define NNACL_INT8_REDUCE_INT8_H_

#include "common/reduce_param.h"

#ifdef __cplusplus
extern "C" {
#endif

void reduce_mean_int8(const reduce_param_t *param, const int8_t *input, int8_t *output);
void reduce_max_int8(const reduce_param_t *param, const int8_t *input, int8_t *output);
void reduce_min_int8(const reduce_param_t *param, const int8_t *input, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_INT8_REDUCE_INT8_H_ */
