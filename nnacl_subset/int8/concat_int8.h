/* concat_int8.h -- Concat of quantized int8 / uint8 inputs into one output scale: an input
 * quantized like the output is copied, any other is requantized as TFLite's
 * ConcatenationWithScaling does, in float32:
 *   q_out = clamp(round_half_away(q * scale[k] + bias[k]) + output_zp, qmin, qmax). */
#ifndef NNACL_INT8_CONCAT_INT8_H_
#define NNACL_INT8_CONCAT_INT8_H_

#include "common/concat_param.h"

#ifdef __cplusplus
extern "C" {
#endif

/* input_row_bytes[k]: elements (= bytes) of one row of input k; requant[k]: 0 copy, 1
 * requantize with scale[k] (in_scale / out_scale) and bias[k] (-in_zp * scale[k]). */
void concat_int8(const concat_param_t *param, const void *const *inputs, const int32_t *input_row_bytes,
                 const int32_t *requant, const float *scale, const float *bias, void *output);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_INT8_CONCAT_INT8_H_ */
