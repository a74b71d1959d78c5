/*
 * scale_int8.h -- int8 ScaleFusion in one requantization step per term (gemmlowp rounding):
 *   out = clamp(output_zp + MBQM((x - input_zp) * (scale[c] - scale_zp), scale_multiplier, scale_shift)
 *                         + MBQM(offset[c] - offset_zp, offset_multiplier, offset_shift), act_min, act_max)
 * over the [outer][axis_size][inner] view of common/scale_param.h; offset may be NULL (no second
 * term). Runs in place (output == input) as well.
 */
#ifndef NNACL_INT8_SCALE_INT8_H_
#define NNACL_INT8_SCALE_INT8_H_

#include "common/scale_param.h"

#ifdef __cplusplus
extern "C" {
#endif

void scale_int8(const scale_param_t *param, const int8_t *input, const int8_t *scale, const int8_t *offset,
                int8_t *output);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_INT8_SCALE_INT8_H_ */
