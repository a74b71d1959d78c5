/* quant_dtype_cast_int8.h -- quantize fp32 -> int8 (q = zp + round_half_away(x / scale), clamped)
 * and dequantize int8 -> fp32 ((q - zp) * scale). */
#ifndef NNACL_INT8_QUANT_DTYPE_CAST_INT8_H_
#define NNACL_INT8_QUANT_DTYPE_CAST_INT8_H_

#include "common/quant_dtype_cast_param.h"

#ifdef __cplusplus
extern "C" {
#endif

void quantize_fp32_to_int8(const quant_dtype_cast_param_t *param, const float *input, int8_t *output);
void dequantize_int8_to_fp32(const quant_dtype_cast_param_t *param, const int8_t *input, float *output);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_INT8_QUANT_DTYPE_CAST_INT8_H_ */
