/* reduce_base.h -- ReduceFusion over any axes for bool (stored as uint8_t) and non-quantized
 * integers (see common/reduce_param.h). bool: REDUCE_MODE_ALL / REDUCE_MODE_ANY (outputs 0 / 1);
 * integers: sum and prod wrap (computed modulo 2^32, or 2^64 for 64-bit types, then
 * truncated), max, min. */
#ifndef NNACL_BASE_REDUCE_BASE_H_
#define NNACL_BASE_REDUCE_BASE_H_

#include "common/reduce_param.h"

#ifdef __cplusplus
extern "C" {
#endif

/* each returns NNACL_ERR_PARAM for a mode its dtype does not have or an empty reduction
 * (axis_size < 1) */
int reduce_bool(const reduce_param_t *param, const uint8_t *input, uint8_t *output);
int reduce_int16(const reduce_param_t *param, const int16_t *input, int16_t *output);
int reduce_int32(const reduce_param_t *param, const int32_t *input, int32_t *output);
int reduce_int64(const reduce_param_t *param, const int64_t *input, int64_t *output);
int reduce_uint8(const reduce_param_t *param, const uint8_t *input, uint8_t *output);
int reduce_uint16(const reduce_param_t *param, const uint16_t *input, uint16_t *output);
int reduce_uint32(const reduce_param_t *param, const uint32_t *input, uint32_t *output);
int reduce_uint64(const reduce_param_t *param, const uint64_t *input, uint64_t *output);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_BASE_REDUCE_BASE_H_ */
