/* arg_min_max_base.h -- ArgMaxFusion / ArgMinFusion along one axis (common/arg_min_max_param.h),
 * one function per input type. The top_k results of every position are the elements in the
 * order (value descending for ArgMax, ascending for ArgMin; equal values by lower index; NaN
 * after every number), written along the axis: their indices (int32 / int64) or their values.
 * Output layout: outer x top_k x inner. bool inputs use the uint8 function; float16 tensors are
 * their binary16 bits (uint16_t). */
#ifndef NNACL_BASE_ARG_MIN_MAX_BASE_H_
#define NNACL_BASE_ARG_MIN_MAX_BASE_H_

#include "common/arg_min_max_param.h"

#ifdef __cplusplus
extern "C" {
#endif

void arg_min_max_int8(const arg_min_max_param_t *param, const int8_t *input, void *output);
void arg_min_max_int16(const arg_min_max_param_t *param, const int16_t *input, void *output);
void arg_min_max_int32(const arg_min_max_param_t *param, const int32_t *input, void *output);
void arg_min_max_int64(const arg_min_max_param_t *param, const int64_t *input, void *output);
void arg_min_max_uint8(const arg_min_max_param_t *param, const uint8_t *input, void *output);
void arg_min_max_uint16(const arg_min_max_param_t *param, const uint16_t *input, void *output);
void arg_min_max_uint32(const arg_min_max_param_t *param, const uint32_t *input, void *output);
void arg_min_max_uint64(const arg_min_max_param_t *param, const uint64_t *input, void *output);
void arg_min_max_fp16(const arg_min_max_param_t *param, const uint16_t *input, void *output);
void arg_min_max_fp32(const arg_min_max_param_t *param, const float *input, void *output);

/* both results at once (TopK): values and / or indices (either may be NULL; indices are int64
 * when out_kind is ARG_MIN_MAX_OUT_INDEX64, else int32) */
void arg_min_max_select_int8(const arg_min_max_param_t *param, const int8_t *input, int8_t *values,
                             void *indices);
void arg_min_max_select_int16(const arg_min_max_param_t *param, const int16_t *input, int16_t *values,
                              void *indices);
void arg_min_max_select_int32(const arg_min_max_param_t *param, const int32_t *input, int32_t *values,
                              void *indices);
void arg_min_max_select_int64(const arg_min_max_param_t *param, const int64_t *input, int64_t *values,
                              void *indices);
void arg_min_max_select_uint8(const arg_min_max_param_t *param, const uint8_t *input, uint8_t *values,
                              void *indices);
void arg_min_max_select_uint16(const arg_min_max_param_t *param, const uint16_t *input, uint16_t *values,
                               void *indices);
void arg_min_max_select_uint32(const arg_min_max_param_t *param, const uint32_t *input, uint32_t *values,
                               void *indices);
void arg_min_max_select_uint64(const arg_min_max_param_t *param, const uint64_t *input, uint64_t *values,
                               void *indices);
void arg_min_max_select_fp16(const arg_min_max_param_t *param, const uint16_t *input, uint16_t *values,
                             void *indices);
void arg_min_max_select_fp32(const arg_min_max_param_t *param, const float *input, float *values,
                             void *indices);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_BASE_ARG_MIN_MAX_BASE_H_ */
