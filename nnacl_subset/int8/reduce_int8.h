/* reduce_int8.h -- int8 ReduceFusion over any axes (TFLite reference, see common/reduce_param.h):
 *   mean / sum: out = clamp(MBQM(sum(x) - input_zp * axis_size, multiplier, shift) + output_zp,
 *               act_min, act_max) -- for the mean the 1/axis_size is folded into the multiplier;
 *   prod:       p = x0 - input_zp; p = MBQM64(p * (x - input_zp)) for every further element;
 *               out = clamp(MBQM64(p) + output_zp), where MBQM64 is TFLite's int64-input
 *               MultiplyByQuantizedMultiplier: a 16-bit multiplier (m + 2^15) >> 16 (0x7FFF when
 *               m >= 0x7FFF0000), one rounding (ties up) by 2^(15 - shift), result wrapped to int32;
 *   max / min:  the raw extreme value (input and output share quantization). */
#ifndef NNACL_INT8_REDUCE_INT8_H_
#define NNACL_INT8_REDUCE_INT8_H_

#include "common/reduce_param.h"

#ifdef __cplusplus
extern "C" {
#endif

/* returns NNACL_ERR_PARAM for a mode other than sum, mean, max, min, prod or an empty reduction
 * (axis_size < 1) */
int reduce_int8(const reduce_param_t *param, const int8_t *input, int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_INT8_REDUCE_INT8_H_ */
