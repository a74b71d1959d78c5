/* cumsum_base.h -- CumSum along one axis (common/cumsum_param.h), one function per dtype.
 * float32 / float16 sums run element by element in float (each float16 result rounded from the
 * float sum); integer sums wrap (computed modulo 2^32, or 2^64 for 64-bit types). Every element
 * is read before its result is written: the output may be the input (in place). */
#ifndef NNACL_BASE_CUMSUM_BASE_H_
#define NNACL_BASE_CUMSUM_BASE_H_

#include "common/cumsum_param.h"

#ifdef __cplusplus
extern "C" {
#endif

void cumsum_fp32(const cumsum_param_t *param, const float *input, float *output);
void cumsum_fp16(const cumsum_param_t *param, const uint16_t *input, uint16_t *output);
void cumsum_int8(const cumsum_param_t *param, const int8_t *input, int8_t *output);
void cumsum_int16(const cumsum_param_t *param, const int16_t *input, int16_t *output);
void cumsum_int32(const cumsum_param_t *param, const int32_t *input, int32_t *output);
void cumsum_int64(const cumsum_param_t *param, const int64_t *input, int64_t *output);
void cumsum_uint8(const cumsum_param_t *param, const uint8_t *input, uint8_t *output);
void cumsum_uint16(const cumsum_param_t *param, const uint16_t *input, uint16_t *output);
void cumsum_uint32(const cumsum_param_t *param, const uint32_t *input, uint32_t *output);
void cumsum_uint64(const cumsum_param_t *param, const uint64_t *input, uint64_t *output);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_BASE_CUMSUM_BASE_H_ */
