/* topk_base.h -- TopKFusion along one axis (common/topk_param.h), one function per input type:
 * the k largest values (equal values by the lower index, NaN after every number) and their
 * indices, both laid out outer x k x inner. bool inputs use the uint8 function; float16 tensors
 * are their binary16 bits. The selection is base/arg_min_max_base.c's. */
#ifndef NNACL_BASE_TOPK_BASE_H_
#define NNACL_BASE_TOPK_BASE_H_

#include "common/topk_param.h"

#ifdef __cplusplus
extern "C" {
#endif

void topk_int8(const topk_param_t *param, const int8_t *input, int8_t *values, void *indices);
void topk_int16(const topk_param_t *param, const int16_t *input, int16_t *values, void *indices);
void topk_int32(const topk_param_t *param, const int32_t *input, int32_t *values, void *indices);
void topk_int64(const topk_param_t *param, const int64_t *input, int64_t *values, void *indices);
void topk_uint8(const topk_param_t *param, const uint8_t *input, uint8_t *values, void *indices);
void topk_uint16(const topk_param_t *param, const uint16_t *input, uint16_t *values, void *indices);
void topk_uint32(const topk_param_t *param, const uint32_t *input, uint32_t *values, void *indices);
void topk_uint64(const topk_param_t *param, const uint64_t *input, uint64_t *values, void *indices);
void topk_fp16(const topk_param_t *param, const uint16_t *input, uint16_t *values, void *indices);
void topk_fp32(const topk_param_t *param, const float *input, float *values, void *indices);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_BASE_TOPK_BASE_H_ */
