/* cast_base.h -- Cast between bool, int8-64, uint8-64, float16 and float32:
 *   -> bool: x != 0 (NaN gives 1);
 *   float -> integer: truncation toward zero, saturated to the type's range, NaN gives 0;
 *   integer -> integer: the low bits (C conversion, modulo 2^bits);
 *   integer -> float: rounded to nearest (-> float16 through float32); float32 -> float16 rounds
 *   to nearest even. */
#ifndef NNACL_BASE_CAST_BASE_H_
#define NNACL_BASE_CAST_BASE_H_

#include "common/cast_param.h"

#ifdef __cplusplus
extern "C" {
#endif

/* returns NNACL_OK, or NNACL_ERR_PARAM for an unknown type code */
int cast_base(const cast_param_t *param, const void *input, void *output);

#ifdef __cplusplus
}
#endif

#endif /* NNACL_BASE_CAST_BASE_H_ */
